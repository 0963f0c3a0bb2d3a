package dev.switchboard.gateway;

import java.time.Duration;
import java.util.Optional;

/**
 * When to send an outbox job again: a pure function of the attempts made, what the last one got,
 * the provider's {@code Retry-After} and a random number, so every rule is tested without a clock
 * or a network. Only what may succeed later is retried: network errors, 5xx and 429. Any other
 * answer (4xx, 3xx: redirects are never followed) fails the job at once.
 */
final class OutboxRetries {

    /** The spread of each delay: ±25 %. */
    static final double JITTER = 0.25;
    /** No computed delay is longer (seed 001). */
    static final Duration CAP = Duration.ofHours(1);
    /** A provider's Retry-After is honoured up to this long; the job's deadline bounds it further. */
    static final Duration RETRY_AFTER_MAX = Duration.ofHours(24);

    private OutboxRetries() {}

    /** What one attempt got. */
    enum Outcome {
        SUCCEEDED,
        /** 5xx or 429: worth another try. */
        RETRYABLE,
        NETWORK_ERROR,
        /** Any other answer: the request itself is wrong, sending it again changes nothing. */
        REJECTED;

        static Outcome of(int status) {
            if (status >= 200 && status < 300) return SUCCEEDED;
            if (status == 429 || status >= 500) return RETRYABLE;
            return REJECTED;
        }

        boolean retryable() {
            return this == RETRYABLE || this == NETWORK_ERROR;
        }
    }

    /**
     * The delay after {@code attemptsMade} attempts (at least 1): 2^n s, ±25 %, at most an hour; the
     * provider's Retry-After instead when it asks for longer.
     *
     * @param random a number in [0, 1)
     */
    static Duration delay(int attemptsMade, Optional<Duration> retryAfter, double random) {
        int n = Math.max(1, Math.min(attemptsMade, 12)); // 2^12 s is past the cap already
        long baseMillis = 1000L << n;
        double factor = 1 + JITTER * (2 * random - 1);
        Duration delay = Duration.ofMillis(Math.round(baseMillis * factor));
        if (delay.compareTo(CAP) > 0) delay = CAP;
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get().compareTo(RETRY_AFTER_MAX) > 0 ? RETRY_AFTER_MAX : retryAfter.get();
        }
        return delay;
    }
}
