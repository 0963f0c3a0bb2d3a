package dev.switchboard.gateway;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** Buckets shared by every node through PostgreSQL: a row per bucket, updated under {@code SELECT … FOR UPDATE}. */
final class PostgresLimitBuckets extends LimitBuckets {

    /** What a bucket stores expires once it would be full again anyway. */
    static final ExpirationAfterWriteStrategy EXPIRY =
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

    private final ProxyManager<String> buckets;

    PostgresLimitBuckets(DataSource dataSource, Clock clock) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("gateway_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(EXPIRY)
                .clientClock(time(clock))
                .build();
    }

    @Override
    String backend() {
        return "postgresql";
    }

    @Override
    Bucket bucket(String key, BucketConfiguration config) {
        return buckets.builder().build(key, () -> config);
    }
}
