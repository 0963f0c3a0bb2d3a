package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each listed provider's event, read from a body and headers as the provider sends them, gets its
 * canonical type through the same normalization ingest uses; near misses (a WhatsApp delivery
 * status, an edited Slack message, Google's sync) get none.
 */
class CanonicalTypesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Normalizer NORMALIZER = new Normalizer(JSON);

    static InboundProperties properties(String file) {
        return properties(file, List.of());
    }

    static InboundProperties properties(String file, List<String> trustedProxies) {
        return new InboundProperties(
                null,
                1_048_576,
                Duration.ofDays(30),
                Duration.ofDays(365),
                Duration.ofSeconds(1),
                60,
                new InboundProperties.Processing(100, Duration.ofSeconds(1), Duration.ofSeconds(60), 8, true, 4),
                file,
                trustedProxies,
                new InboundProperties.GroupCommit(
                        4096,
                        67_108_864,
                        256,
                        2,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(100)));
    }

    static final CanonicalTypes BUILT_IN = builtIn();

    static CanonicalTypes builtIn() {
        try {
            return new CanonicalTypes(JSON, properties(null));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Mapped(String type, String canonical) {}

    static Mapped map(
            CanonicalTypes types, Provider provider, String contentType, String body, Map<String, String> headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
        if (contentType != null) h.put("content-type", List.of(contentType));
        var request = new WebhookRequest(
                h,
                body.getBytes(StandardCharsets.UTF_8),
                List.of("https://hooks.example.com/webhooks/src_1"),
                contentType,
                Instant.parse("2026-12-01T10:00:00Z"));
        var payload = NORMALIZER.read(request);
        String type =
                NORMALIZER.normalize(provider, SourceOptions.NONE, payload).type();
        return new Mapped(type, types.of(type, payload));
    }

    static Mapped json(Provider provider, String body) {
        return map(BUILT_IN, provider, "application/json", body, Map.of());
    }

    static String stripe(String type) {
        return "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"" + type
                + "\",\"created\":1700000000,\"data\":{\"object\":{\"id\":\"pi_1\",\"customer\":\"cus_1\"}}}";
    }

    static String paypal(String type) {
        return "{\"id\":\"WH-1\",\"event_type\":\"" + type + "\",\"resource_type\":\"capture\","
                + "\"resource\":{\"id\":\"42311647XV020574X\",\"status\":\"COMPLETED\"}}";
    }

    @Test
    void payments() {
        assertThat(json(Provider.STRIPE, stripe("payment_intent.succeeded")))
                .isEqualTo(new Mapped("stripe.payment_intent.succeeded", "payment.succeeded"));
        assertThat(json(Provider.STRIPE, stripe("payment_intent.payment_failed"))
                        .canonical())
                .isEqualTo("payment.failed");
        assertThat(json(Provider.STRIPE, stripe("charge.refunded")).canonical()).isEqualTo("payment.refunded");
        // One payment, one canonical event: charge.succeeded accompanies payment_intent.succeeded.
        assertThat(json(Provider.STRIPE, stripe("charge.succeeded")).canonical())
                .isNull();
        assertThat(json(Provider.STRIPE, stripe("invoice.paid")).canonical()).isNull();

        assertThat(json(Provider.PAYPAL, paypal("PAYMENT.CAPTURE.COMPLETED")))
                .isEqualTo(new Mapped("paypal.PAYMENT.CAPTURE.COMPLETED", "payment.succeeded"));
        assertThat(json(Provider.PAYPAL, paypal("PAYMENT.CAPTURE.DENIED")).canonical())
                .isEqualTo("payment.failed");
        assertThat(json(Provider.PAYPAL, paypal("PAYMENT.CAPTURE.DECLINED")).canonical())
                .isEqualTo("payment.failed");
        assertThat(json(Provider.PAYPAL, paypal("PAYMENT.CAPTURE.REFUNDED")).canonical())
                .isEqualTo("payment.refunded");
        assertThat(json(Provider.PAYPAL, paypal("PAYMENT.SALE.COMPLETED")).canonical())
                .isEqualTo("payment.succeeded");
        assertThat(json(Provider.PAYPAL, paypal("CHECKOUT.ORDER.APPROVED")).canonical())
                .isNull();
    }

    @Test
    void shopifyOrders() {
        String order = "{\"id\":820982911946154508,\"email\":\"jon@example.com\",\"total_price\":\"403.00\"}";
        Map<String, String> headers = Map.of(
                "X-Shopify-Topic", "orders/create",
                "X-Shopify-Shop-Domain", "shop.myshopify.com",
                "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        assertThat(map(BUILT_IN, Provider.SHOPIFY, "application/json", order, headers))
                .isEqualTo(new Mapped("shopify.orders.create", "order.created"));
        assertThat(map(
                                BUILT_IN,
                                Provider.SHOPIFY,
                                "application/json",
                                order,
                                Map.of("X-Shopify-Topic", "orders/updated"))
                        .canonical())
                .isEqualTo("order.updated");
        assertThat(map(BUILT_IN, Provider.SHOPIFY, "application/json", order, Map.of("X-Shopify-Topic", "orders/paid"))
                        .canonical())
                .isNull();
    }

    @Test
    void messages() {
        String form = "application/x-www-form-urlencoded";
        assertThat(map(
                        BUILT_IN,
                        Provider.TWILIO,
                        form,
                        "ToCountry=US&SmsSid=SM1&MessageSid=SM1&AccountSid=AC1&From=%2B15557654321&To=%2B15551234567"
                                + "&Body=Hello&NumMedia=0&SmsStatus=received",
                        Map.of()))
                .isEqualTo(new Mapped("twilio.sms.received", "message.received"));
        assertThat(map(BUILT_IN, Provider.TWILIO, form, "MessageSid=SM2&From=%2B1555&NumMedia=1", Map.of()))
                .isEqualTo(new Mapped("twilio.mms.received", "message.received"));
        assertThat(map(BUILT_IN, Provider.TWILIO, form, "MessageSid=SM3&MessageStatus=delivered", Map.of())
                        .canonical())
                .isNull();

        String whatsapp =
                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":"
                        + "[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"phone_number_id\":\"106540352242922\"},"
                        + "\"messages\":[{\"from\":\"16315551181\",\"id\":\"wamid.ABGGFlA5Fpa\",\"timestamp\":\"1504902988\","
                        + "\"type\":\"text\",\"text\":{\"body\":\"this is a text message\"}}]},\"field\":\"messages\"}]}]}";
        assertThat(json(Provider.META, whatsapp))
                .isEqualTo(new Mapped("meta.whatsapp_business_account.messages", "message.received"));
        String status = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":"
                + "[{\"value\":{\"messaging_product\":\"whatsapp\",\"statuses\":[{\"id\":\"wamid.1\","
                + "\"status\":\"delivered\"}]},\"field\":\"messages\"}]}]}";
        assertThat(json(Provider.META, status).canonical()).isNull();

        String slack = "{\"token\":\"x\",\"team_id\":\"T061EG9R6\",\"api_app_id\":\"A0PNCHHK2\",\"event\":{\"type\":"
                + "\"message\",\"channel\":\"C024BE91L\",\"user\":\"U2147483697\",\"text\":\"Live long and prospect.\","
                + "\"ts\":\"1355517523.000005\"},\"type\":\"event_callback\",\"event_id\":\"Ev0PV52K21\","
                + "\"event_time\":1355517523}";
        assertThat(json(Provider.SLACK, slack)).isEqualTo(new Mapped("slack.event_callback", "message.received"));
        assertThat(json(
                                Provider.SLACK,
                                slack.replace(
                                        "\"type\":\"message\",",
                                        "\"type\":\"message\",\"subtype\":\"message_changed\","))
                        .canonical())
                .isNull();
        assertThat(json(Provider.SLACK, slack.replace("\"type\":\"message\"", "\"type\":\"app_mention\""))
                        .canonical())
                .isNull();
    }

    @Test
    void calendars() {
        String graph =
                "{\"subscriptionId\":\"7f105c7d-2dc5-4530-97cd-4e7ae6534c07\",\"clientState\":\"secretClientValue\","
                        + "\"changeType\":\"updated\",\"resource\":\"Users/{user-id}/Events/{event-id}\",\"resourceData\":"
                        + "{\"@odata.type\":\"#Microsoft.Graph.Event\",\"@odata.id\":\"Users/{user-id}/Events/{event-id}\","
                        + "\"id\":\"{event-id}\"},\"tenantId\":\"84bd8158-6d4d-4958-8b9f-9d6445542f95\"}";
        assertThat(json(Provider.MSGRAPH, graph)).isEqualTo(new Mapped("msgraph.event.updated", "calendar.changed"));
        assertThat(json(Provider.MSGRAPH, graph.replace("updated", "created")).canonical())
                .isEqualTo("calendar.changed");
        assertThat(json(Provider.MSGRAPH, graph.replace("updated", "deleted")).canonical())
                .isEqualTo("calendar.changed");
        assertThat(json(Provider.MSGRAPH, "{\"subscriptionId\":\"s\",\"lifecycleEvent\":\"missed\"}")
                        .canonical())
                .isNull();

        Map<String, String> google = Map.of(
                "X-Goog-Channel-ID", "01234567-89ab-cdef-0123456789ab",
                "X-Goog-Channel-Token", "t",
                "X-Goog-Message-Number", "10",
                "X-Goog-Resource-ID", "ret08u3rv24htgh289g",
                "X-Goog-Resource-URI", "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json",
                "X-Goog-Resource-State", "exists");
        assertThat(map(BUILT_IN, Provider.GOOGLE_CHANNEL, null, "", google))
                .isEqualTo(new Mapped("google-channel.calendar.exists", "calendar.changed"));
        var gone = new java.util.HashMap<>(google);
        gone.put("X-Goog-Resource-State", "not_exists");
        assertThat(map(BUILT_IN, Provider.GOOGLE_CHANNEL, null, "", gone).canonical())
                .isEqualTo("calendar.changed");
        var sync = new java.util.HashMap<>(google);
        sync.put("X-Goog-Resource-State", "sync");
        assertThat(map(BUILT_IN, Provider.GOOGLE_CHANNEL, null, "", sync).canonical())
                .isNull();
    }

    @Test
    void anOperatorFileAddsRulesButCannotTakeOverBuiltInOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("canonical.json");
        Files.writeString(file, """
                {"version": 1, "mappings": [
                  {"type": "github.push", "canonical": "code.pushed"},
                  {"type": "stripe.payment_intent.succeeded", "canonical": "money.in"},
                  {"type": "slack.event_callback", "when": {"/event/type": ["app_mention"]}, "canonical": "message.mentioned"}
                ]}""");
        var types = new CanonicalTypes(JSON, properties(file.toString()));
        assertThat(types.of("github.push", NORMALIZER.read(request("{}")))).isEqualTo("code.pushed");
        assertThat(types.of("stripe.payment_intent.succeeded", NORMALIZER.read(request("{}"))))
                .isEqualTo("payment.succeeded");
        assertThat(types.of("slack.event_callback", NORMALIZER.read(request("{\"event\":{\"type\":\"app_mention\"}}"))))
                .isEqualTo("message.mentioned");
        assertThat(types.of("slack.event_callback", NORMALIZER.read(request("{\"event\":{\"type\":\"message\"}}"))))
                .isEqualTo("message.received");
    }

    @Test
    void anInvalidOperatorFileStopsTheStartupNamingTheProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"version": 1, "mappings": [
                  {"type": "github.push", "canonical": "Code Pushed"},
                  {"type": "github.push", "canonical": "stripe.fake"},
                  {"type": "x", "when": {"event/type": []}, "canonical": "a.b"}
                ]}""");
        assertThatThrownBy(() -> new CanonicalTypes(JSON, properties(file.toString())))
                .hasMessageContaining("mappings[0].canonical")
                .hasMessageContaining("mappings[1].canonical must not look like a provider's own type")
                .hasMessageContaining("mappings[2].when keys")
                .hasMessageContaining("mappings[2].when values");
        Files.writeString(file, "not json");
        assertThatThrownBy(() -> new CanonicalTypes(JSON, properties(file.toString())))
                .hasMessageContaining("SWITCHBOARD_INBOUND_CANONICAL_TYPES_FILE");
        assertThatThrownBy(() -> new CanonicalTypes(
                        JSON, properties(dir.resolve("missing.json").toString())))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void everyBuiltInCanonicalTypeIsAnEndpointEventTypeName() {
        assertThat(BUILT_IN.rules())
                .allSatisfy(r -> assertThat(r.canonical()).matches("[A-Za-z0-9_.-]{1,200}"))
                .extracting(CanonicalTypes.Rule::canonical)
                .contains(
                        "payment.succeeded",
                        "payment.failed",
                        "payment.refunded",
                        "order.created",
                        "order.updated",
                        "message.received",
                        "calendar.changed");
    }

    static WebhookRequest request(String body) {
        return new WebhookRequest(
                Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8),
                List.of(),
                "application/json",
                Instant.EPOCH);
    }
}
