package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rate limits over the real server, with small limits and a frozen clock (so nothing refills until
 * the test moves time): the management API per API key, and ingest per source, each a 429
 * problem+json {@code rate_limited} with {@code Retry-After}. A server of its own, background work off.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RateLimitTest extends InboundTestBase {

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("switchboard.api.rate-limit.per-second", () -> "1");
        registry.add("switchboard.api.rate-limit.burst", () -> "5");
        registry.add("switchboard.inbound.rate-limit.per-second", () -> "0.5");
        registry.add("switchboard.inbound.rate-limit.burst", () -> "3");
        registry.add("switchboard.inbound.processing.enabled", () -> "false");
        registry.add("switchboard.outbound.enabled", () -> "false");
    }

    /** The latest time a test reached: the buckets' last refill, which the next test must not go back before. */
    private static java.time.Instant reached;

    @AfterEach
    void realTime() {
        reached = clock.instant();
        clock.reset();
    }

    /**
     * Frozen, and a minute after any time an earlier test reached: every bucket full again, none
     * refilling by itself.
     */
    void startFrozen() {
        clock.freeze();
        if (reached != null && clock.instant().isBefore(reached))
            clock.advance(Duration.between(clock.instant(), reached));
        clock.advance(Duration.ofMinutes(1));
    }

    static void limited(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(429);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 2L);
    }

    @Test
    void theManagementApiLimitsEachKeyOnItsOwn() {
        startFrozen();
        String tenant = newTenant();
        String first = newKey(tenant, "admin");
        String second = newKey(tenant, "viewer");
        String sources = "/api/v1/tenants/" + tenant + "/sources";
        for (int i = 0; i < 5; i++) assertThat(api.get(sources, first).status()).isEqualTo(200);
        limited(api.get(sources, first));
        limited(api.post(sources, first, "{\"name\":\"n\",\"provider\":\"none\"}"));
        // Another key has its own bucket.
        assertThat(api.get(sources, second).status()).isEqualTo(200);
        // A request without a valid key is refused as before, and spends nothing.
        assertThat(api.get(sources, "sb_nope").status()).isEqualTo(401);

        clock.advance(Duration.ofSeconds(2));
        assertThat(api.get(sources, first).status()).isEqualTo(200);
        assertThat(api.get(sources, first).status()).isEqualTo(200);
        limited(api.get(sources, first));
    }

    @Test
    void ingestLimitsEachSourceAndTheSenderIsToldWhenToRetry() {
        startFrozen();
        String tenant = newTenant();
        var busy = source(tenant, "{\"name\":\"Busy\",\"provider\":\"none\"}");
        var quiet = source(tenant, "{\"name\":\"Quiet\",\"provider\":\"none\"}");
        Map<String, String> none = Map.of();
        for (int i = 0; i < 3; i++) {
            var r = post(busy.ingestPath(), "application/json", "{\"n\":" + i + "}", none);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }
        var refused = post(busy.ingestPath(), "application/json", "{\"n\":3}", none);
        limited(refused);
        assertThat(post(quiet.ingestPath(), "application/json", "{}", none).status())
                .isEqualTo(200);
        // Nothing of the refused webhook was stored.
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :s")
                        .param("s", busy.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(3);

        clock.advance(Duration.ofSeconds(2));
        assertThat(post(busy.ingestPath(), "application/json", "{\"n\":4}", none)
                        .status())
                .isEqualTo(200);
        limited(post(busy.ingestPath(), "application/json", "{\"n\":5}", none));
    }
}
