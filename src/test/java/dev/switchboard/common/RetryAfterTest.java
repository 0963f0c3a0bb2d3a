package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one reading of {@code Retry-After} that deliveries, the outbox and the provider limiter share. */
class RetryAfterTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void secondsOrAnHttpDate() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 30 ", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 10:05:00 GMT", NOW)).contains(Duration.ofMinutes(5));
        // A date already past: go now.
        assertThat(RetryAfter.parse("Sun, 22 Nov 2026 09:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void nothingReadableIsEmpty() {
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1234567890123456789", NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    }
}
