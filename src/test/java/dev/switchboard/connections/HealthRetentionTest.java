package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Health-check history past its 30 days is deleted; recent checks and the connection's health stay. */
class HealthRetentionTest extends ServerTest {

    @Autowired
    HealthRetention retention;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    long history(String connection) {
        return jdbc.sql("SELECT count(*) FROM connection_health WHERE connection_id = :c")
                .param("c", connection)
                .query(Long.class)
                .single();
    }

    @Test
    void oldChecksGoRecentOnesStay() throws Exception {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant + "/connections";
        try (Receiver provider = new Receiver()) {
            String key = "hr-" + UUID.randomUUID().toString().substring(0, 8);
            String definition = """
                    {"key":"%s","name":"Ping API","category":"infrastructure","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                     "headers":{},"healthCheck":{"method":"GET","path":"/ping","expect":[200]},
                     "rateLimits":null,"webhookScheme":null,"docsUrl":null}""".formatted(key, provider.url("/api"));
            assertThat(api.post("/api/v1/providers", ADMIN, definition).status())
                    .isEqualTo(201);
            var created = api.post(
                    base, ADMIN, "{\"provider\":\"" + key + "\",\"name\":\"P\",\"credentials\":{\"apiKey\":\"k\"}}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asString();
            clock.freeze();
            api.post(base + "/" + id + "/check", ADMIN, "{}");
            api.post(base + "/" + id + "/check", ADMIN, "{}");
            long old = history(id);
            assertThat(old).isGreaterThanOrEqualTo(2);

            clock.advance(Duration.ofDays(31));
            assertThat(api.post(base + "/" + id + "/check", ADMIN, "{}").status())
                    .isEqualTo(200);
            retention.run(100);

            assertThat(history(id)).isEqualTo(1);
            var c = api.get(base + "/" + id, ADMIN).json();
            assertThat(c.get("health").get("status").asString()).isEqualTo("healthy");
            api.delete(base + "/" + id, ADMIN);
            api.delete("/api/v1/providers/" + key, ADMIN);
        }
    }
}
