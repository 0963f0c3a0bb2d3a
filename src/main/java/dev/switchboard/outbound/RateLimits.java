package dev.switchboard.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.Dialect;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Per-endpoint token buckets (Bucket4j): capacity and refill of {@code rateLimitPerSecond}. Shared by
 * every node through Redis when {@code switchboard.redis.url} is set, else through PostgreSQL (a
 * row per bucket, updated under {@code SELECT … FOR UPDATE}); on the embedded H2 database, which
 * one node owns, buckets live in memory. Bucket time comes from the application clock.
 */
@Component
class RateLimits implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

    /** What a bucket stores expires once it would be full again anyway. */
    private static final ExpirationAfterWriteStrategy EXPIRY =
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

    private final ProxyManager<String> shared;
    private final Cache<String, Bucket> local = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000)
            .build();
    private final TimeMeter time;

    private final RedisClient redis;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final String backend;

    RateLimits(DataSource dataSource, Dialect dialect, OutboundProperties properties, Clock clock) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        String redisUrl = properties.redisUrl();
        if (redisUrl != null && !redisUrl.isBlank()) {
            redis = RedisClient.create(redisUrl);
            connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            shared = Bucket4jLettuce.casBasedBuilder(connection)
                    .clientClock(time)
                    .expirationAfterWrite(EXPIRY)
                    .build();
            backend = "redis";
        } else if (dialect == Dialect.POSTGRESQL) {
            redis = null;
            connection = null;
            shared = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                    .primaryKeyMapper(PrimaryKeyMapper.STRING)
                    .table("rate_limit_buckets")
                    .idColumn("id")
                    .stateColumn("state")
                    .expiresAtColumn("expires_at")
                    .expirationAfterWrite(EXPIRY)
                    .clientClock(time)
                    .build();
            backend = "postgresql";
        } else {
            redis = null;
            connection = null;
            shared = null;
            backend = "memory";
        }
        log.info("Endpoint rate limits are kept in {}", backend);
    }

    String backend() {
        return backend;
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
        Bucket bucket = shared != null
                ? shared.builder().build(key, () -> config)
                : local.get(
                        key,
                        k -> Bucket.builder()
                                .addLimit(limit ->
                                        limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                                .withCustomTimePrecision(time)
                                .build());
        var probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Optional.empty();
        return Optional.of(Duration.ofNanos(Math.max(1_000_000L, probe.getNanosToWaitForRefill())));
    }

    @Override
    public void destroy() {
        if (connection != null) connection.close();
        if (redis != null) redis.shutdown();
    }
}
