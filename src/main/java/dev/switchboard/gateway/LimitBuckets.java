package dev.switchboard.gateway;

import dev.switchboard.common.Dialect;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The token buckets behind provider limits (Bucket4j), chosen as the outbound rate limits choose
 * theirs and from the same setting: shared by every node through Redis when
 * {@code switchboard.outbound.redis-url} ({@code SWITCHBOARD_REDIS_URL}) is set, else through
 * PostgreSQL, else (the embedded H2 database, which one node owns) in memory. Bucket time comes from
 * the application clock, so tests move it instead of waiting.
 */
abstract class LimitBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LimitBuckets.class);

    static LimitBuckets create(DataSource dataSource, Dialect dialect, String redisUrl, Clock clock) {
        LimitBuckets buckets;
        if (redisUrl != null && !redisUrl.isBlank()) buckets = new RedisLimitBuckets(redisUrl, clock);
        else if (dialect == Dialect.POSTGRESQL) buckets = new PostgresLimitBuckets(dataSource, clock);
        else buckets = new MemoryLimitBuckets(clock);
        log.info("Provider rate limits are kept in {}", buckets.backend());
        return buckets;
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean(destroyMethod = "close")
        LimitBuckets limitBuckets(
                DataSource dataSource,
                Dialect dialect,
                Clock clock,
                @Value("${switchboard.outbound.redis-url:}") String redisUrl) {
            return create(dataSource, dialect, redisUrl, clock);
        }
    }

    abstract String backend();

    /** The bucket for this key, made with {@code config} when there is none yet. */
    abstract Bucket bucket(String key, BucketConfiguration config);

    @Override
    public void close() {}

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
