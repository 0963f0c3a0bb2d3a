package dev.switchboard.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * Token buckets in this node's memory, one per key (an API key, a source): cheap enough for the
 * ingest path (a cache lookup and a lock-free bucket), and per node, so a cluster of N nodes admits
 * up to N times the rate. Idle buckets are forgotten after ten minutes (they were full anyway).
 */
public final class KeyedRateLimiter {

    private final Cache<String, Bucket> buckets;
    private final double perSecond;
    private final long burst;
    private final TimeMeter time;

    /** @param perSecond the steady rate; 0 turns the limiter off */
    public KeyedRateLimiter(double perSecond, long burst, Clock clock) {
        if (perSecond < 0 || burst < 1) throw new IllegalArgumentException("rate " + perSecond + ", burst " + burst);
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(100_000)
                .build();
        this.time = Buckets.time(clock);
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** Takes one token for {@code key}; 0 when there was one, else the whole seconds until there is. */
    public long acquire(String key) {
        if (perSecond <= 0) return 0;
        Bucket bucket = buckets.get(
                key,
                k -> Bucket.builder()
                        .withCustomTimePrecision(time)
                        .addLimit(Bandwidth.builder()
                                .capacity(burst)
                                .refillGreedy(Math.max(1, Math.round(perSecond * 1000)), Duration.ofSeconds(1000))
                                .build())
                        .build());
        var probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return 0;
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    /**
     * Whether {@code key} has a token, without taking it: 0 when it has (or has no bucket yet, which is
     * full), else the whole seconds until it has. For limits on failures, taken only when one happens.
     */
    public long waitSeconds(String key) {
        if (perSecond <= 0) return 0;
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket == null) return 0;
        var estimate = bucket.estimateAbilityToConsume(1);
        if (estimate.canBeConsumed()) return 0;
        return Math.max(1, (estimate.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
