package dev.switchboard.outbound;

import dev.switchboard.common.Buckets;
import dev.switchboard.common.Dialect;
import io.github.bucket4j.BucketConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-endpoint token buckets ({@link Buckets}): capacity and refill of {@code rateLimitPerSecond}.
 * Shared by every node through Redis when {@code switchboard.outbound.redis-url} is set, else through
 * PostgreSQL (table {@code rate_limit_buckets}); on the embedded H2 database, which one node owns,
 * buckets live in memory.
 */
final class RateLimits implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

    // A bucket idle this long in memory was full again anyway (windows are one second).
    private static final Duration IDLE_IN_MEMORY = Duration.ofMinutes(10);

    private final Buckets buckets;

    private RateLimits(Buckets buckets) {
        this.buckets = buckets;
    }

    /** The backend the settings call for. */
    static RateLimits create(DataSource dataSource, Dialect dialect, OutboundProperties properties, Clock clock) {
        var buckets =
                Buckets.create(dataSource, dialect, properties.redisUrl(), "rate_limit_buckets", IDLE_IN_MEMORY, clock);
        log.info("Endpoint rate limits are kept in {}", buckets.backend());
        return new RateLimits(buckets);
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        RateLimits rateLimits(DataSource dataSource, Dialect dialect, OutboundProperties properties, Clock clock) {
            return create(dataSource, dialect, properties, clock);
        }
    }

    String backend() {
        return buckets.backend();
    }

    /**
     * Takes one token from the endpoint's bucket. Empty when granted; otherwise how long until a
     * token is due.
     */
    Optional<Duration> tryAcquire(String endpointId, int perSecond) {
        // The rate is part of the key: changing an endpoint's limit starts a fresh bucket.
        String key = "switchboard:endpoint:" + endpointId + ":" + perSecond;
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
        var probe = buckets.bucket(key, config).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Optional.empty();
        return Optional.of(Duration.ofNanos(Math.max(1_000_000L, probe.getNanosToWaitForRefill())));
    }

    @Override
    public void close() {
        buckets.close();
    }
}
