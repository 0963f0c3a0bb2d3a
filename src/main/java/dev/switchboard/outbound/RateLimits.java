package dev.switchboard.outbound;

import dev.switchboard.common.Dialect;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-endpoint token buckets (Bucket4j): capacity and refill of {@code rateLimitPerSecond}. Shared by
 * every node through Redis when {@code switchboard.redis.url} is set ({@link RedisRateLimits}), else
 * through PostgreSQL ({@link PostgresRateLimits}); on the embedded H2 database, which one node owns,
 * buckets live in memory ({@link MemoryRateLimits}). Bucket time comes from the application clock.
 */
abstract class RateLimits implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

    /** The backend the settings call for. */
    static RateLimits create(DataSource dataSource, Dialect dialect, OutboundProperties properties, Clock clock) {
        String redisUrl = properties.redisUrl();
        RateLimits limits;
        if (redisUrl != null && !redisUrl.isBlank()) limits = new RedisRateLimits(redisUrl, clock);
        else if (dialect == Dialect.POSTGRESQL) limits = new PostgresRateLimits(dataSource, clock);
        else limits = new MemoryRateLimits(clock);
        log.info("Endpoint rate limits are kept in {}", limits.backend());
        return limits;
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        RateLimits rateLimits(DataSource dataSource, Dialect dialect, OutboundProperties properties, Clock clock) {
            return create(dataSource, dialect, properties, clock);
        }
    }

    abstract String backend();

    /** The bucket for this key, made with {@code config} when there is none yet. */
    abstract Bucket bucket(String key, BucketConfiguration config);

    /**
     * Takes one token from the endpoint's bucket. Empty when granted; otherwise how long until a
     * token is due.
     */
    final Optional<Duration> tryAcquire(String endpointId, int perSecond) {
        // The rate is part of the key: changing an endpoint's limit starts a fresh bucket.
        String key = "switchboard:endpoint:" + endpointId + ":" + perSecond;
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
        var probe = bucket(key, config).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Optional.empty();
        return Optional.of(Duration.ofNanos(Math.max(1_000_000L, probe.getNanosToWaitForRefill())));
    }

    @Override
    public void close() {}

    /** Bucket time from the application clock, so tests move it instead of waiting. */
    static TimeMeter time(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
