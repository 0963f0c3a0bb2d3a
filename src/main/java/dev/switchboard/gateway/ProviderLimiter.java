package dev.switchboard.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Paces calls to a provider by its published limits and quotas (per connection, cluster-wide), and
 * slows down on the provider's own signals. Callers ask before every call: the outbox reschedules a
 * job that must wait (no attempt spent), the proxy answers 429 with {@code Retry-After}.
 */
interface ProviderLimiter {

    /** Takes a token for one call; empty when granted, else how long until one is free (nothing taken). */
    Optional<Duration> tryAcquire(String tenantId, String connectionId, String provider);

    /**
     * The interval between two tokens at the connection's fastest sustained rate (100 ms at 10/s),
     * or zero when nothing limits it: how far apart the outbox spreads the jobs that must wait.
     */
    default Duration interval(String tenantId, String connectionId) {
        return Duration.ZERO;
    }

    /** Reads the provider's signals from a response ({@code Retry-After}, {@code X-RateLimit-*}, {@code RateLimit}). */
    void observe(String tenantId, String connectionId, String provider, int status, Map<String, List<String>> headers);
}
