package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An endpoint's stats are counted and ranked in the database: on a fixture of attempts, the same
 * figures as the former computation (every attempt of the last 24 hours loaded, sorted in memory,
 * the percentile at index floor(p × n)), and attempts outside the window or of another endpoint
 * left out.
 */
class EndpointStatsTest extends ServerTest {

    private String endpoint(String tenant) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"http://127.0.0.1:9/stats\",\"eventTypes\":[\"never.sent\"]}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private void attempt(String tenant, String endpoint, String id, Instant at, String outcome, int latency) {
        jdbc.sql("""
                        INSERT INTO messages (id, tenant_id, event_type, payload, created_at)
                        VALUES (:id, :tenant, 'never.sent', :payload, :at)""")
                .param("id", "msg_" + id)
                .param("tenant", tenant)
                .param("payload", new byte[] {'{', '}'})
                .param("at", Sql.ts(at))
                .update();
        jdbc.sql("""
                        INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts, created_at,
                                                updated_at)
                        VALUES (:id, :tenant, :message, :endpoint, 'succeeded', 1, :at, :at)""")
                .param("id", "dlv_" + id)
                .param("tenant", tenant)
                .param("message", "msg_" + id)
                .param("endpoint", endpoint)
                .param("at", Sql.ts(at))
                .update();
        jdbc.sql("""
                        INSERT INTO delivery_attempts (id, tenant_id, delivery_id, message_id, endpoint_id, attempted_at,
                                                       outcome, latency_ms)
                        VALUES (:id, :tenant, :delivery, :message, :endpoint, :at, :outcome, :latency)""")
                .param("id", "att_" + id)
                .param("tenant", tenant)
                .param("delivery", "dlv_" + id)
                .param("message", "msg_" + id)
                .param("endpoint", endpoint)
                .param("at", Sql.ts(at))
                .param("outcome", outcome)
                .param("latency", latency)
                .update();
    }

    /** The former computation, kept here as the reference. */
    private static Integer formerPercentile(List<Integer> latencies, double p) {
        int[] sorted = latencies.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (sorted.length == 0) return null;
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    @Test
    void statsAreTheFormerFiguresComputedInTheDatabase() {
        String tenant = newTenant();
        String ep = endpoint(tenant);
        String other = endpoint(tenant);
        Instant now = clock.instant();
        Random random = new Random(13);
        List<Integer> inWindow = new ArrayList<>();
        int succeeded = 0;
        for (int i = 0; i < 37; i++) {
            // Few distinct values, so ties sit on the ranks that matter.
            int latency = 5 * random.nextInt(40);
            boolean ok = i % 5 != 0;
            attempt(
                    tenant,
                    ep,
                    tenant + "-" + i,
                    now.minus(Duration.ofMinutes(30 + 37L * i)),
                    ok ? "SUCCESS" : "TIMEOUT",
                    latency);
            inWindow.add(latency);
            if (ok) succeeded++;
        }
        // Outside the window, and another endpoint's: slower than anything above, so they would show.
        for (int i = 0; i < 5; i++) {
            attempt(tenant, ep, tenant + "-old" + i, now.minus(Duration.ofHours(25 + i)), "SUCCESS", 90_000 + i);
            attempt(tenant, other, tenant + "-other" + i, now.minus(Duration.ofMinutes(5)), "TIMEOUT", 80_000 + i);
        }

        JsonNode stats = api.get("/api/v1/tenants/" + tenant + "/endpoints/" + ep + "/stats", ADMIN)
                .json();
        assertThat(stats.get("attempts").asInt()).isEqualTo(37);
        assertThat(stats.get("succeeded").asInt()).isEqualTo(succeeded);
        assertThat(stats.get("failed").asInt()).isEqualTo(37 - succeeded);
        assertThat(stats.get("successRate").asDouble()).isEqualTo((double) succeeded / 37);
        assertThat(stats.get("p50LatencyMs").asInt()).isEqualTo(formerPercentile(inWindow, 0.50));
        assertThat(stats.get("p95LatencyMs").asInt()).isEqualTo(formerPercentile(inWindow, 0.95));

        // The other endpoint's five (ranks 2 and 4); a new endpoint's none: nothing to divide by.
        JsonNode one = api.get("/api/v1/tenants/" + tenant + "/endpoints/" + other + "/stats", ADMIN)
                .json();
        assertThat(one.get("attempts").asInt()).isEqualTo(5);
        assertThat(one.get("succeeded").asInt()).isZero();
        assertThat(one.get("p50LatencyMs").asInt()).isEqualTo(80_002);
        assertThat(one.get("p95LatencyMs").asInt()).isEqualTo(80_004);
        JsonNode none = api.get("/api/v1/tenants/" + tenant + "/endpoints/" + endpoint(tenant) + "/stats", ADMIN)
                .json();
        assertThat(none.get("attempts").asInt()).isZero();
        assertThat(none.path("successRate").isNull() || none.path("successRate").isMissingNode())
                .isTrue();
        assertThat(none.path("p95LatencyMs").isNull()
                        || none.path("p95LatencyMs").isMissingNode())
                .isTrue();
    }
}
