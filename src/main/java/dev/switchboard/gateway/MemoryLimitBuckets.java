package dev.switchboard.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/** Buckets in this node's memory: for the embedded database, which one node owns. */
final class MemoryLimitBuckets extends LimitBuckets {

    // Kept as long as the longest window (a month's quota must not be forgotten after an idle hour).
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofDays(31))
            .maximumSize(100_000)
            .build();
    private final TimeMeter time;

    MemoryLimitBuckets(Clock clock) {
        this.time = time(clock);
    }

    @Override
    String backend() {
        return "memory";
    }

    @Override
    Bucket bucket(String key, BucketConfiguration config) {
        return buckets.get(key, k -> {
            var builder = Bucket.builder().withCustomTimePrecision(time);
            for (var limit : config.getBandwidths()) builder.addLimit(limit);
            return builder.build();
        });
    }
}
