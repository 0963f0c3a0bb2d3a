package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Pacing;
import dev.switchboard.testing.ServerTest;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pacing test, through the real outbox worker: 1,000 jobs on a connection whose
 * provider allows 10 calls a second (burst 2), sent to a provider double that enforces that limit
 * on its own clock and answers 429 with {@code Retry-After} past it. No 429 may come back, and the
 * pace the double saw must be within 10 % of the limit. On one node (every pass of the suite), then
 * on two nodes sharing Redis and two sharing PostgreSQL (their limiter buckets there): each takes
 * ~100 s of real time, so each variant runs once per CI run: one node in the H2 pass, the two two-node
 * runs side by side in the PostgreSQL pass.
 */
class OutboxPacingTest extends ServerTest {

    static final int JOBS = 1_000;
    static final int PER_SECOND = 10;
    static final int BURST = 2;

    @Test
    void oneNodeSendsAThousandJobsAtTheProvidersPaceWithoutA429() throws Exception {
        // ~100 s of real time: once per CI run. The PostgreSQL pass runs the two-node variants, which cover
        // the same path with both shared backends, so one node runs in the H2 pass only.
        assumeTrue(
                !TestServices.suiteOnPostgres(),
                "one-node pacing runs in the H2 pass; the PostgreSQL pass runs the two-node variants");
        clock.reset();
        pace(List.of(api), "one node (" + (TestServices.suiteRedisUrl() == null ? "suite database" : "Redis") + ")");
    }

    /**
     * Both two-node setups at once, each on its own two nodes, provider and double: the run is mostly
     * waiting (10 calls a second per setup), so side by side they take the time of one.
     */
    @Test
    void twoNodesSharingRedisAndTwoSharingPostgresqlKeepThePace() throws Exception {
        assumeTrue(
                TestServices.suiteOnPostgres(),
                "two-node pacing runs once per CI run: in the PostgreSQL pass of .ci/run");
        assumeTrue(TestServices.redisReachable(), "needs Redis at " + TestServices.REDIS_URL);
        Map<String, String> withRedis = nodeProperties();
        withRedis.put("switchboard.outbound.redis-url", TestServices.REDIS_URL);
        try (var redisNodes = Pacing.Nodes.start(2, withRedis);
                var postgresNodes = Pacing.Nodes.start(2, nodeProperties());
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var redis = pool.submit(() -> {
                pace(redisNodes.apis(), "two nodes sharing Redis");
                return null;
            });
            var postgres = pool.submit(() -> {
                pace(postgresNodes.apis(), "two nodes sharing PostgreSQL");
                return null;
            });
            redis.get();
            postgres.get();
        }
    }

    /** Two nodes of their own on a fresh PostgreSQL schema; no Redis unless the caller adds it. */
    static Map<String, String> nodeProperties() {
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.egress.operator-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.outbox.poll-interval", "200ms");
        p.put("logging.level.root", "WARN");
        return p;
    }

    /** Queues the jobs through the nodes' APIs in turn, waits for all, and checks the pace. */
    static void pace(List<Api> nodes, String setup) throws Exception {
        Api first = nodes.getFirst();
        try (ProviderDouble provider = new ProviderDouble()) {
            // The double's own bucket: the same rate, and a second's worth of slack for the jitter
            // between a grant on a node and the arrival here. The server, this double and other builds
            // share a loaded two-core machine: a send may stall for most of a second and arrive with
            // the next ones. A node that sent faster than the rate would still overrun this bucket
            // within seconds (and the measured pace below would show it).
            String tenant = "pace-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(first.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + tenant + "\",\"name\":\"Pace\"}")
                            .status())
                    .isEqualTo(201);
            String providerKey = "paced-" + UUID.randomUUID().toString().substring(0, 8);
            var added = first.post(
                    "/api/v1/providers", ADMIN, """
                    {"key":"%s","name":"Paced API","category":"infrastructure","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                     "headers":{},"healthCheck":null,
                     "rateLimits":{"perSecond":%d,"burst":%d},
                     "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, provider.url("/v1"), PER_SECOND, BURST));
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            var c = first.post(
                    "/api/v1/tenants/" + tenant + "/connections",
                    ADMIN,
                    "{\"provider\":\"" + providerKey
                            + "\",\"name\":\"Paced\",\"credentials\":{\"apiKey\":\"sk_pace\"}}");
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            String connection = c.json().get("id").asString();
            String outbox = "/api/v1/tenants/" + tenant + "/outbox";
            // Queued while the connection is suspended, so the queueing does not compete with the
            // sending; resumed, every held job is due at once (and the pace is the limiter's alone).
            String con = "/api/v1/tenants/" + tenant + "/connections/" + connection;
            // Warm each node's client to the double and the double itself (a first call is slow, and
            // the calls granted meanwhile would arrive together), then start the double's bucket.
            for (Api node : nodes) {
                // On a loaded machine the very first call may miss the suite's 2 s deadline: again until one passes.
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> node.get(con + "/proxy/warm", ADMIN).status() == 200);
            }
            provider.requests.clear();
            provider.arrivals.clear();
            provider.limit(BURST + PER_SECOND, PER_SECOND);
            assertThat(first.post(con + "/suspend", ADMIN, "{}").status()).isEqualTo(200);

            try {
                sendAll(nodes, provider, outbox, connection, con, setup);
            } finally {
                // Jobs left by a failure must not be sent to a closed double during later tests.
                first.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"status\":\"disabled\"}");
            }
        }
    }

    static void sendAll(
            List<Api> nodes, ProviderDouble provider, String outbox, String connection, String con, String setup)
            throws Exception {
        Api first = nodes.getFirst();
        {
            AtomicInteger next = new AtomicInteger();
            List<Callable<Object>> queuers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Api api = nodes.get(t % nodes.size());
                queuers.add(() -> {
                    for (int i = next.getAndIncrement(); i < JOBS; i = next.getAndIncrement()) {
                        var r = api.post(
                                outbox,
                                ADMIN,
                                "{\"connection\":\"" + connection
                                        + "\",\"request\":{\"method\":\"POST\",\"path\":\"/calls/" + i
                                        + "\",\"body\":{\"n\":" + i + "}}}");
                        assertThat(r.status()).as(r.toString()).isEqualTo(202);
                    }
                    return null;
                });
            }
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var f : pool.invokeAll(queuers)) f.get();
            }
            assertThat(provider.requests).isEmpty();
            assertThat(first.post(con + "/resume", ADMIN, "{}").status()).isEqualTo(200);
            // 1,000 calls at 10/s: 100 s, with room for a loaded machine.
            await().atMost(Duration.ofSeconds(JOBS / PER_SECOND * 3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> provider.requests.size() >= JOBS || provider.rejected.get() > 0);
            double rate = Pacing.achievedRate(provider.arrivals, BURST);
            System.out.printf(
                    "outbox pacing, %s: %.2f/s of %d/s, %d provider 429s, %d requests%n",
                    setup, rate, PER_SECOND, provider.rejected.get(), provider.requests.size());
            assertThat(provider.rejected.get()).as("provider 429s").isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> first.get(outbox + "?status=succeeded&limit=1000", ADMIN)
                                    .json()
                                    .get("data")
                                    .size()
                            == JOBS);
            // Each job sent once: no job went early, failed, or twice.
            assertThat(provider.requests).hasSize(JOBS);
            assertThat(provider.requests.stream()
                            .map(ProviderDouble.Request::rawPath)
                            .distinct())
                    .hasSize(JOBS);
            assertThat(rate).as("achieved rate").isBetween(PER_SECOND * 0.9, PER_SECOND * 1.1);
        }
    }
}
