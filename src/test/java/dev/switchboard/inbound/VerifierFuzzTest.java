package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.vault.Secret;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Arbitrary headers and bodies never make a verifier throw: every outcome is a verdict. Seeds
 * include the header-parser bugs other webhook libraries shipped.
 */
class VerifierFuzzTest {

    static final List<String> HEADERS = List.of(
            "stripe-signature",
            "x-slack-signature",
            "x-slack-request-timestamp",
            "x-hub-signature-256",
            "x-twilio-signature",
            "x-shopify-hmac-sha256",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "svix-id",
            "svix-timestamp",
            "svix-signature",
            "authorization",
            "x-signature",
            "x-timestamp",
            "x-goog-channel-token",
            "x-goog-channel-id",
            "x-goog-message-number",
            "x-goog-resource-state",
            "x-goog-resource-uri",
            "paypal-transmission-id",
            "paypal-transmission-time",
            "paypal-transmission-sig",
            "paypal-cert-url",
            "paypal-auth-algo");

    static final SourceOptions HMAC_OPTIONS = new SourceOptions(
            300,
            "X-Signature",
            "sha256=",
            SourceOptions.Algorithm.SHA256,
            SourceOptions.Encoding.HEX,
            "X-Timestamp",
            "{timestamp}.{body}",
            null);

    @Provide
    Arbitrary<String> headerValue() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "t=not_a_number",
                        "t",
                        "t=1,v1=",
                        "v0=",
                        "sha256=",
                        "v1,",
                        "v1, abc",
                        "t=1, v1=zz",
                        "",
                        " ",
                        "Bearer ",
                        "t=99999999999999999999,v1=00",
                        "t=-1,v1=00",
                        "v1,!!!!",
                        "sha256=GG",
                        "t=1700000000,v1=" + "a".repeat(64) + ",v1=" + "b".repeat(63)),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("tv01=,. ;abcdef").ofMaxLength(80),
                Arbitraries.strings().all().ofMaxLength(50),
                Arbitraries.just("t=1,v1=" + "a".repeat(1_000_000)));
    }

    @Provide
    Arbitrary<Map<String, List<String>>> headers() {
        return Combinators.combine(
                        Arbitraries.of(HEADERS).list().ofMaxSize(6),
                        headerValue().list().ofMinSize(6).ofMaxSize(6))
                .as((names, values) -> {
                    Map<String, List<String>> h = new HashMap<>();
                    for (int i = 0; i < names.size(); i++) h.put(names.get(i), List.of(values.get(i)));
                    return h;
                });
    }

    @Property(tries = 300)
    void noVerifierThrows(
            @ForAll("headers") Map<String, List<String>> headers,
            @ForAll byte[] body,
            @ForAll("contentTypes") String contentType,
            @ForAll("urls") String url) {
        var request =
                new WebhookRequest(headers, body, List.of(url), contentType, Instant.ofEpochSecond(1_700_000_000));
        var secrets = List.of(Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Secret.of("not-base64-!!"));
        for (Provider p : Provider.values()) {
            SourceOptions options = p == Provider.HMAC ? HMAC_OPTIONS : SourceOptions.NONE;
            Verification v = p.scheme.verify(request, secrets, options);
            assertThat(v).isNotNull();
            if (p != Provider.NONE) assertThat(v).isInstanceOf(Verification.Rejected.class);
            assertThat(new Normalizer(tools.jackson.databind.json.JsonMapper.builder()
                                    .build())
                            .normalize(p, options, request))
                    .isNotNull();
        }
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.oneOf(
                Arbitraries.of("application/json", "application/x-www-form-urlencoded", "text/plain", ""),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> urls() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "https://h/webhooks/src_1?bodySHA256=zz",
                        "http://[::1]:99999/x",
                        "https://h:443/x?a=%zz",
                        "::"),
                Arbitraries.strings().ofMaxLength(60));
    }

    /** Subscription checks and batch splitting (Meta, Graph, Google) answer whatever the query and body. */
    @Property(tries = 300)
    void noSubscriptionCheckOrBatchThrows(
            @ForAll("queries") String query,
            @ForAll("methods") String method,
            @ForAll("bodies") byte[] body,
            @ForAll("headers") Map<String, List<String>> headers) {
        var decoded = WebhookRequest.decode(query);
        var request = new WebhookRequest(
                headers,
                body,
                List.of("https://h/webhooks/src_1"),
                "application/json",
                Instant.ofEpochSecond(1_700_000_000),
                method,
                decoded == null ? Map.of() : decoded);
        var normalizer =
                new Normalizer(tools.jackson.databind.json.JsonMapper.builder().build());
        var secrets = List.of(Secret.of("a-client-state-0123456789"));
        for (Provider p : Provider.values()) {
            var answer = p.scheme.subscription(request, Secret.of("verify-token-0123456789"));
            assertThat(answer).isNotNull();
            answer.ifPresent(a -> assertThat(a).isNotNull());
            SourceOptions options = p == Provider.HMAC ? HMAC_OPTIONS : SourceOptions.NONE;
            assertThat(p.scheme.verify(request, secrets, options)).isNotNull();
            for (var part : normalizer.parts(p, normalizer.read(request))) {
                assertThat(normalizer.normalize(p, options, part)).isNotNull();
            }
        }
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-token-0123456789",
                        "hub.mode=subscribe&hub.challenge=" + "9".repeat(5000)
                                + "&hub.verify_token=verify-token-0123456789",
                        "hub.mode=subscribe&hub.verify_token=%zz",
                        "validationToken=",
                        "validationToken=%E0%A4%A",
                        "validationToken=" + "a".repeat(5000),
                        "&&&==",
                        ""),
                Arbitraries.strings()
                        .withChars("hub.mode=subscribechallengeverify_tokenvalidationToken&%+0123456789")
                        .ofMaxLength(120),
                Arbitraries.strings().ofMaxLength(100));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "HEAD");
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                                "{\"value\":[]}",
                                "{\"value\":[1,2]}",
                                "{\"value\":[{\"clientState\":\"a-client-state-0123456789\"},{}]}",
                                "{\"value\":[{\"clientState\":\"a-client-state-0123456789\",\"resourceData\":{\"@odata.type\":\".\"}}]}",
                                "{\"value\":[{\"clientState\":\"a-client-state-0123456789\",\"lifecycleEvent\":7}]}",
                                "{\"value\":{}}",
                                "{\"object\":\"page\",\"entry\":[{\"id\":1e400,\"time\":[]},null]}",
                                "{\"object\":\"page\",\"entry\":{}}",
                                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[null]}]}",
                                "[]",
                                "")
                        .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }
}
