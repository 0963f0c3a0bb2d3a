package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How each family of provider rate-limit headers is read. */
class ProviderSignalsTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    static ProviderSignals read(int status, String... pairs) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) headers.put(pairs[i], List.of(pairs[i + 1]));
        return ProviderSignals.read(status, headers, NOW);
    }

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertThat(read(429, "Retry-After", "30").pause()).isEqualTo(Duration.ofSeconds(30));
        assertThat(read(503, "retry-after", "Wed, 02 Dec 2026 10:01:00 GMT").pause())
                .isEqualTo(Duration.ofMinutes(1));
        // A 200 with Retry-After is not a request to slow down.
        assertThat(read(200, "Retry-After", "30").any()).isFalse();
        // Capped: no header stops a connection for more than an hour.
        assertThat(read(429, "Retry-After", "999999999").pause()).isEqualTo(ProviderSignals.MAX_PAUSE);
        assertThat(read(429).pause()).isEqualTo(ProviderSignals.DEFAULT_PAUSE);
    }

    @Test
    void xRateLimitHeadersWithAnEpochOrADeltaReset() {
        long epoch = NOW.plusSeconds(120).getEpochSecond();
        var github = read(200, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(epoch));
        assertThat(github.pause()).isEqualTo(Duration.ofSeconds(120));
        var delta = read(200, "x-ratelimit-remaining", "0", "x-ratelimit-reset", "15");
        assertThat(delta.pause()).isEqualTo(Duration.ofSeconds(15));
        var low = read(200, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "4", "X-RateLimit-Reset", "20");
        assertThat(low.pause()).isNull();
        assertThat(low.spacing()).isEqualTo(Duration.ofSeconds(5));
        assertThat(read(200, "X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "50", "X-RateLimit-Reset", "20")
                        .any())
                .isFalse();
    }

    @Test
    void ietfFieldsOfTheEarlyAndLateDrafts() {
        assertThat(read(200, "RateLimit-Limit", "2", "RateLimit-Remaining", "0", "RateLimit-Reset", "1")
                        .pause())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(read(200, "RateLimit", "limit=100, remaining=0, reset=7").pause())
                .isEqualTo(Duration.ofSeconds(7));
        var structured = read(200, "RateLimit", "\"default\";r=3;t=30", "RateLimit-Policy", "\"default\";q=100;w=60");
        assertThat(structured.spacing()).isEqualTo(Duration.ofSeconds(10));
        assertThat(read(200, "RateLimit", "garbage").any()).isFalse();
    }
}
