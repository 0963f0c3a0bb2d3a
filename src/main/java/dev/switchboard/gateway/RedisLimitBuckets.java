package dev.switchboard.gateway;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Clock;

/** Buckets shared by every node through Redis (compare-and-swap). */
final class RedisLimitBuckets extends LimitBuckets {

    private final RedisClient redis;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> buckets;

    RedisLimitBuckets(String url, Clock clock) {
        this.redis = RedisClient.create(url);
        this.connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .clientClock(time(clock))
                .expirationAfterWrite(PostgresLimitBuckets.EXPIRY)
                .build();
    }

    @Override
    String backend() {
        return "redis";
    }

    @Override
    Bucket bucket(String key, BucketConfiguration config) {
        return buckets.builder().build(key, () -> config);
    }

    @Override
    public void close() {
        connection.close();
        redis.shutdown();
    }
}
