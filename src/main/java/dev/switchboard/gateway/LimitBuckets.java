package dev.switchboard.gateway;

import dev.switchboard.common.Buckets;
import dev.switchboard.common.Dialect;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The token buckets behind provider limits ({@link Buckets}), chosen as the outbound rate limits
 * choose theirs and from the same setting: shared by every node through Redis when
 * {@code switchboard.outbound.redis-url} ({@code SWITCHBOARD_REDIS_URL}) is set, else through
 * PostgreSQL (table {@code gateway_limit_buckets}), else (the embedded H2 database, which one node
 * owns) in memory.
 */
final class LimitBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LimitBuckets.class);

    // Kept in memory as long as the longest window (a month's quota must not be forgotten after an idle hour).
    private static final Duration IDLE_IN_MEMORY = Duration.ofDays(31);

    private final Buckets buckets;

    private LimitBuckets(Buckets buckets) {
        this.buckets = buckets;
    }

    static LimitBuckets create(DataSource dataSource, Dialect dialect, String redisUrl, Clock clock) {
        var buckets = Buckets.create(dataSource, dialect, redisUrl, "gateway_limit_buckets", IDLE_IN_MEMORY, clock);
        log.info("Provider rate limits are kept in {}", buckets.backend());
        return new LimitBuckets(buckets);
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

    String backend() {
        return buckets.backend();
    }

    /** The bucket for this key, made with {@code config} when there is none yet. */
    Bucket bucket(String key, BucketConfiguration config) {
        return buckets.bucket(key, config);
    }

    @Override
    public void close() {
        buckets.close();
    }
}
