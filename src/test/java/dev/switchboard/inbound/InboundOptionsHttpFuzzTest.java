package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random {@code X-Forwarded-*} headers, content types and bodies sent over HTTP to sources with the
 * new options (and the new schemes): never a 5xx. Seeded, so a failure repeats.
 */
class InboundOptionsHttpFuzzTest extends InboundTestBase {

    static final String CHARS = "abcdefABCDEF0123456789 ,.:;[]/-_=\"{}%\\!*";

    static String garbage(Random r, int max) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) s.append(CHARS.charAt(r.nextInt(CHARS.length())));
        return s.toString();
    }

    @Test
    void noRequestGetsA5xx() {
        String tenant = newTenant();
        String token = "fuzz-token-0123456789";
        List<Created> sources = List.of(
                source(
                        tenant,
                        "{\"name\":\"t\",\"provider\":\"token\",\"secret\":\"" + token
                                + "\",\"options\":{\"requireHttps\":true,\"allowedTypes\":[\"token.a\",\"payment.*\"]}}"),
                source(tenant, "{\"name\":\"n\",\"provider\":\"none\",\"options\":{\"allowedTypes\":[\"none.*\"]}}"),
                source(
                        tenant,
                        "{\"name\":\"m\",\"provider\":\"meta\",\"secret\":\"app-secret\",\"options\":{\"requireHttps\":true}}"),
                source(
                        tenant,
                        "{\"name\":\"g\",\"provider\":\"msgraph\",\"options\":{\"allowedTypes\":[\"calendar.changed\"]}}"),
                source(tenant, "{\"name\":\"c\",\"provider\":\"google-channel\",\"options\":{\"requireHttps\":false}}"),
                source(
                        tenant,
                        "{\"name\":\"p\",\"provider\":\"paypal\",\"secret\":\"WH-1\",\"options\":{\"allowedTypes\":[\"payment.succeeded\"]}}"));
        List<String> bodies = List.of(
                "{\"type\":\"a\"}",
                "{\"value\":[{\"clientState\":\"x\",\"changeType\":\"updated\"}]}",
                "{\"object\":\"whatsapp_business_account\",\"entry\":[]}",
                "{\"event_type\":\"PAYMENT.CAPTURE.COMPLETED\"}",
                "[1,2",
                "");
        Random r = new Random(16_0007);
        for (int i = 0; i < 120; i++) {
            Created src = sources.get(r.nextInt(sources.size()));
            Map<String, String> headers = new HashMap<>();
            if (r.nextBoolean()) headers.put("X-Forwarded-For", garbage(r, 60));
            if (r.nextBoolean()) headers.put("X-Forwarded-Proto", r.nextBoolean() ? "https" : garbage(r, 20));
            if (r.nextBoolean()) headers.put("Authorization", "Bearer " + (r.nextBoolean() ? token : garbage(r, 30)));
            if (r.nextBoolean()) headers.put("X-Goog-Resource-State", garbage(r, 10));
            String body = r.nextInt(4) == 0 ? garbage(r, 200) : bodies.get(r.nextInt(bodies.size()));
            String path = src.ingestPath()
                    + (r.nextInt(5) == 0
                            ? "?validationToken="
                                    + java.net.URLEncoder.encode(
                                            garbage(r, 10), java.nio.charset.StandardCharsets.UTF_8)
                            : "");
            var response = post(path, r.nextBoolean() ? "application/json" : garbage(r, 20), body, headers);
            assertThat(response.status()).as("request %d: %s", i, response).isLessThan(500);
        }
    }
}
