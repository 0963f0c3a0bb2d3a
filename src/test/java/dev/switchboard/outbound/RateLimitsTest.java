package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Dialect;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.testing.Pacing;
import dev.switchboard.testing.RequiresPostgres;
import dev.switchboard.testing.RequiresRedis;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The buckets behind endpoint rate limits, on each backend. Two {@link RateLimits} over one store
 * stand for two nodes: together they grant no more than the limit, and both see time from the
 * application clock.
 */
class RateLimitsTest {

    static MutableClock frozenClock() {
        MutableClock clock = new MutableClock();
        clock.freeze();
        return clock;
    }

    static OutboundProperties properties(String redisUrl) {
        var source = new MapConfigurationPropertySource();
        if (redisUrl != null) source.put("switchboard.outbound.redis-url", redisUrl);
        return new Binder(source).bindOrCreate("switchboard.outbound", OutboundProperties.class);
    }

    /** 40 concurrent takers over two nodes; returns how many were granted. */
    static int race(RateLimits one, RateLimits two, String endpoint, int perSecond) throws Exception {
        AtomicInteger granted = new AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Object>> takers = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RateLimits node = i % 2 == 0 ? one : two;
                takers.add(() -> {
                    if (node.tryAcquire(endpoint, perSecond).isEmpty()) granted.incrementAndGet();
                    return null;
                });
            }
            for (var f : pool.invokeAll(takers)) f.get();
        }
        return granted.get();
    }

    void sharedAcrossNodes(RateLimits one, RateLimits two, MutableClock clock) throws Exception {
        String endpoint = "ep_" + UUID.randomUUID();
        assertThat(race(one, two, endpoint, 5)).isEqualTo(5);
        var wait = one.tryAcquire(endpoint, 5);
        assertThat(wait).isPresent();
        assertThat(wait.get()).isBetween(Duration.ofMillis(1), Duration.ofMillis(200));
        clock.advance(Duration.ofSeconds(1));
        assertThat(race(one, two, endpoint, 5)).isEqualTo(5);
        // Another rate is another bucket: a changed limit starts full.
        assertThat(two.tryAcquire(endpoint, 6)).isEmpty();
    }

    @Test
    void inMemoryOnTheEmbeddedDatabase() throws Exception {
        MutableClock clock = frozenClock();
        RateLimits node = RateLimits.create(null, Dialect.H2, properties(null), clock);
        assertThat(node.backend()).isEqualTo("memory");
        sharedAcrossNodes(node, node, clock);
    }

    @Test
    @RequiresPostgres
    void inPostgresqlAcrossNodes() throws Exception {
        try (var schema = Pacing.postgresSchema("sb_rl_")) {
            MutableClock clock = frozenClock();
            RateLimits one = RateLimits.create(schema.dataSource(), Dialect.POSTGRESQL, properties(null), clock);
            RateLimits two = RateLimits.create(schema.dataSource(), Dialect.POSTGRESQL, properties(null), clock);
            assertThat(one.backend()).isEqualTo("postgresql");
            sharedAcrossNodes(one, two, clock);
        }
    }

    @Test
    @RequiresRedis
    void inRedisAcrossNodes() throws Exception {
        MutableClock clock = frozenClock();
        RateLimits one = RateLimits.create(null, Dialect.H2, properties(TestServices.REDIS_URL), clock);
        RateLimits two = RateLimits.create(null, Dialect.POSTGRESQL, properties(TestServices.REDIS_URL), clock);
        try {
            assertThat(one.backend()).isEqualTo("redis");
            sharedAcrossNodes(one, two, clock);
        } finally {
            one.close();
            two.close();
        }
    }
}
