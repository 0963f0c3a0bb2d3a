package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Dialect;
import dev.switchboard.connections.ConnectionAccess.Limits;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.testing.Pacing;
import dev.switchboard.testing.RequiresPostgres;
import dev.switchboard.testing.RequiresRedis;
import dev.switchboard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The limiter's buckets paced against a provider double that enforces the same limit on its own
 * clock: concurrent callers on two limiter instances (two nodes) sharing a backend send at no more
 * than the limit and draw no 429 from the provider. Real time: the rate is what is measured.
 */
class LimiterAccuracyTest {

    static final int PER_SECOND = 10;
    static final int BURST = 2;
    static final int CALLS = 42;

    /**
     * Eight callers split over two nodes; returns the achieved rate: the calls beyond the first burst
     * per second between the first arrival and the last (a bucket grants at most burst + rate × time).
     */
    static double pace(LimitBuckets one, LimitBuckets two) throws Exception {
        // The double's bucket: the same rate; two tokens of slack for the jitter between a grant
        // here and the arrival there (up to 200 ms on a loaded machine), none for the rate itself.
        try (ProviderDouble provider = new ProviderDouble();
                HttpClient http = HttpClient.newHttpClient()) {
            // Warm the client (its first call is slow), then start the double's own bucket.
            http.send(
                    HttpRequest.newBuilder(URI.create(provider.url("/warm"))).build(),
                    HttpResponse.BodyHandlers.discarding());
            provider.requests.clear();
            provider.arrivals.clear();
            provider.limit(BURST + 2, PER_SECOND);
            String connection = "con_" + UUID.randomUUID();
            var pacer = Pacer.of(connection, new Limits(PER_SECOND, null, null, null, null, BURST))
                    .orElseThrow();
            AtomicInteger left = new AtomicInteger(CALLS);
            List<Callable<Object>> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                LimitBuckets node = i % 2 == 0 ? one : two;
                callers.add(() -> {
                    while (left.get() > 0) {
                        var take = pacer.take(node);
                        if (!take.granted()) {
                            // A caller that must wait sleeps as long as the limiter says (the worker's behaviour).
                            Thread.sleep(take.delay().toMillis());
                            continue;
                        }
                        if (left.getAndDecrement() <= 0) {
                            pacer.refund(node);
                            break;
                        }
                        http.send(
                                HttpRequest.newBuilder(URI.create(provider.url("/v1/x")))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                });
            }
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var f : pool.invokeAll(callers)) f.get();
            }
            assertThat(provider.requests).hasSize(CALLS);
            assertThat(provider.rejected.get()).as("provider 429s").isZero();
            double rate = Pacing.achievedRate(provider.arrivals, BURST);
            System.out.printf("achieved %.2f/s of %d/s on %s%n", rate, PER_SECOND, one.backend());
            // Never early: the double, which enforces the rate on its own clock, refused nothing (above).
            // The rate measured from arrivals carries the scheduling jitter of a loaded machine on both
            // ends of the span, so it may read a few per cent over the limit without a call being early.
            assertThat(rate).as("achieved rate").isBetween(PER_SECOND * 0.8, PER_SECOND * 1.05);
            return rate;
        }
    }

    @Test
    void inMemory() throws Exception {
        var node = LimitBuckets.create(null, Dialect.H2, null, new MutableClock());
        assertThat(node.backend()).isEqualTo("memory");
        pace(node, node);
    }

    @Test
    @RequiresRedis
    void acrossTwoNodesSharingRedis() throws Exception {
        try (var one = LimitBuckets.create(null, Dialect.H2, TestServices.REDIS_URL, new MutableClock());
                var two = LimitBuckets.create(null, Dialect.POSTGRESQL, TestServices.REDIS_URL, new MutableClock())) {
            assertThat(one.backend()).isEqualTo("redis");
            pace(one, two);
        }
    }

    @Test
    @RequiresPostgres
    void acrossTwoNodesSharingPostgresql() throws Exception {
        try (var schema = Pacing.postgresSchema("sb_gw_")) {
            var one = LimitBuckets.create(schema.dataSource(), Dialect.POSTGRESQL, null, new MutableClock());
            var two = LimitBuckets.create(schema.dataSource(), Dialect.POSTGRESQL, null, new MutableClock());
            assertThat(one.backend()).isEqualTo("postgresql");
            pace(one, two);
        }
    }

    @Test
    void aCallThatMustWaitSpendsNothingInAnyWindow() {
        MutableClock clock = new MutableClock();
        clock.freeze();
        var buckets = LimitBuckets.create(null, Dialect.H2, null, clock);
        // 2/s with a burst of 4, and 5 a minute: the minute runs out first.
        var pacer = Pacer.of("con_x", new Limits(2, 5, null, null, null, 4)).orElseThrow();
        for (int i = 0; i < 4; i++) assertThat(pacer.take(buckets).granted()).isTrue();
        var refused = pacer.take(buckets);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.delay()).isBetween(Duration.ofMillis(1), Duration.ofMillis(500));
        // Refused: the minute window kept its fifth token.
        assertThat(pacer.peek(buckets)).containsExactly(0, 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(pacer.take(buckets).granted()).isTrue();
        var minute = pacer.take(buckets);
        assertThat(minute.granted()).isFalse();
        assertThat(minute.delay()).isGreaterThan(Duration.ofSeconds(5));
        assertThat(pacer.capacities()).containsExactly(4L, 5L);
    }
}
