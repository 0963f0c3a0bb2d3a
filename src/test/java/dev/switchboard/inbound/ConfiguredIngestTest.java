package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Ingest on a server with a public URL and a small rejection budget: a server of its own, closed
 * after this class. Its background workers are off, so it never takes over the shared server's
 * work on the shared database (whose tests watch their own server's routers and receivers).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConfiguredIngestTest extends InboundTestBase {

    static final String PUBLIC = "https://hooks.example.test";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("switchboard.inbound.public-url", () -> PUBLIC);
        registry.add("switchboard.inbound.rejections-per-minute", () -> "3");
        registry.add("switchboard.inbound.processing.enabled", () -> "false");
        registry.add("switchboard.outbound.enabled", () -> "false");
    }

    @Autowired
    MeterRegistry metrics;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void twilioIsCheckedAgainstThePublicUrlOnlyNotOneBuiltFromTheHostHeader() {
        String tenant = newTenant();
        String token = "twilio-auth-token-" + UUID.randomUUID();
        var src = source(tenant, "{\"name\":\"Twilio\",\"provider\":\"twilio\",\"secret\":\"" + token + "\"}");
        assertThat(src.json().get("ingestUrl").asString()).isEqualTo(PUBLIC + src.ingestPath());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", "SM" + UUID.randomUUID().toString().replace("-", ""));
        params.put("From", "+14155550100");
        params.put("Body", "hi");
        String form = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));

        // Signed for the URL this request reached, as the Host header names it: not the URL Twilio calls.
        String forHost = Signers.twilio(token, api.base() + src.ingestPath(), params);
        SignedIngestTest.rejected(
                post(
                        src.ingestPath(),
                        "application/x-www-form-urlencoded",
                        form,
                        Map.of("X-Twilio-Signature", forHost)),
                "signature_invalid");

        String forPublic = Signers.twilio(token, PUBLIC + src.ingestPath(), params);
        SignedIngestTest.accepted(post(
                src.ingestPath(), "application/x-www-form-urlencoded", form, Map.of("X-Twilio-Signature", forPublic)));
    }

    @Test
    void aFloodOfBadSignaturesRecordsAtMostTheBudgetPerSourcePerMinute() {
        clock.freeze();
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        var other = source(tenant, "{\"name\":\"GitHub 2\",\"provider\":\"github\"}");
        double unrecorded = unrecorded();
        for (int i = 0; i < 10; i++) badSignature(src);
        assertThat(rejections(src)).isEqualTo(3);
        assertThat(unrecorded() - unrecorded).isEqualTo(7.0);

        // Each source has its own budget.
        badSignature(other);
        assertThat(rejections(other)).isEqualTo(1);

        // A new minute, a new budget.
        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) badSignature(src);
        assertThat(rejections(src)).isEqualTo(6);
        assertThat(unrecorded() - unrecorded).isEqualTo(9.0);
    }

    private void badSignature(Created src) {
        // Every one is still refused, recorded or not.
        SignedIngestTest.rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        "{\"zen\":\"x\"}",
                        Map.of("X-Hub-Signature-256", "sha256=" + "00".repeat(32))),
                "signature_invalid");
    }

    private int rejections(Created src) {
        var r = api.get(
                "/api/v1/tenants/" + src.json().get("tenantId").asString() + "/sources/" + src.id()
                        + "/rejections?limit=100",
                ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("data").size();
    }

    private double unrecorded() {
        var c = metrics.find("switchboard.inbound.rejections.unrecorded")
                .tag("provider", "github")
                .counter();
        return c == null ? 0 : c.count();
    }
}
