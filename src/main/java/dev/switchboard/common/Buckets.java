package dev.switchboard.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import javax.sql.DataSource;

/**
 * Token buckets (Bucket4j) by key, kept where the deployment calls for: shared by every node through
 * Redis when a Redis URL is set (compare-and-swap), else through PostgreSQL (a row per bucket in the
 * caller's table, updated under {@code SELECT … FOR UPDATE}), else (the embedded H2 database, which
 * one node owns) in this node's memory. Bucket time comes from the application clock, so tests move
 * it instead of waiting. Each caller keeps its own table, keys and bucket configurations.
 */
public final class Buckets implements AutoCloseable {

    /** What a bucket stores expires once it would be full again anyway. */
    private static final ExpirationAfterWriteStrategy EXPIRY =
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

    private final String backend;
    private final Store store;

    private Buckets(String backend, Store store) {
        this.backend = backend;
        this.store = store;
    }

    /**
     * The backend the settings call for.
     *
     * @param table the PostgreSQL table ({@code id}, {@code state}, {@code expires_at}) used when
     *     there is no Redis and the database is PostgreSQL
     * @param idleInMemory how long an unused bucket is kept when buckets live in memory
     */
    public static Buckets create(
            DataSource dataSource, Dialect dialect, String redisUrl, String table, Duration idleInMemory, Clock clock) {
        TimeMeter time = time(clock);
        if (redisUrl != null && !redisUrl.isBlank()) return new Buckets("redis", new Redis(redisUrl, time));
        if (dialect == Dialect.POSTGRESQL) {
            ProxyManager<String> proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                    .primaryKeyMapper(PrimaryKeyMapper.STRING)
                    .table(table)
                    .idColumn("id")
                    .stateColumn("state")
                    .expiresAtColumn("expires_at")
                    .expirationAfterWrite(EXPIRY)
                    .clientClock(time)
                    .build();
            return new Buckets("postgresql", (key, config) -> proxies.builder().build(key, () -> config));
        }
        return new Buckets("memory", new Memory(idleInMemory, time));
    }

    /** Where the buckets are kept: {@code redis}, {@code postgresql} or {@code memory}. */
    public String backend() {
        return backend;
    }

    /** The bucket for this key, made with {@code config} when there is none yet. */
    public Bucket bucket(String key, BucketConfiguration config) {
        return store.bucket(key, config);
    }

    @Override
    public void close() {
        store.close();
    }

    /** Bucket time from the application clock. */
    public static TimeMeter time(Clock clock) {
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

    private interface Store extends AutoCloseable {
        Bucket bucket(String key, BucketConfiguration config);

        @Override
        default void close() {}
    }

    private static final class Memory implements Store {
        private final Cache<String, Bucket> buckets;
        private final TimeMeter time;

        Memory(Duration idle, TimeMeter time) {
            this.buckets = Caffeine.newBuilder()
                    .expireAfterAccess(idle)
                    .maximumSize(100_000)
                    .build();
            this.time = time;
        }

        @Override
        public Bucket bucket(String key, BucketConfiguration config) {
            return buckets.get(key, k -> {
                var builder = Bucket.builder().withCustomTimePrecision(time);
                for (var limit : config.getBandwidths()) builder.addLimit(limit);
                return builder.build();
            });
        }
    }

    private static final class Redis implements Store {
        private final RedisClient redis;
        private final StatefulRedisConnection<String, byte[]> connection;
        private final ProxyManager<String> proxies;

        Redis(String url, TimeMeter time) {
            this.redis = RedisClient.create(url);
            this.connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            this.proxies = Bucket4jLettuce.casBasedBuilder(connection)
                    .clientClock(time)
                    .expirationAfterWrite(EXPIRY)
                    .build();
        }

        @Override
        public Bucket bucket(String key, BucketConfiguration config) {
            return proxies.builder().build(key, () -> config);
        }

        @Override
        public void close() {
            connection.close();
            redis.shutdown();
        }
    }
}
