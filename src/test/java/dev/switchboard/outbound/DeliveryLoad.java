package dev.switchboard.outbound;

import dev.switchboard.Switchboard;
import dev.switchboard.bench.RemoteDouble;
import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.inbound.IngestLoad;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The delivery load harness (docs/BENCHMARKS.md). On one PostgreSQL, against one local no-op
 * receiver in a process of its own (a {@link RemoteDouble}), at the same concurrency: (1) the same Apache HttpClient configuration the engine uses,
 * posting a webhook-sized body as fast as it can (the ceiling); (2) the engine delivering a backlog
 * of messages (claimed, signed, sent, recorded). It prints both rates, their ratio, and database
 * write transactions per delivery.
 */
public final class DeliveryLoad {

    private DeliveryLoad() {}

    public static void main(String[] args) throws Exception {
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int endpointCap = args.length > 3 ? Integer.parseInt(args[3]) : concurrency;
        if (!TestServices.postgresReachable()) {
            System.err.println("The delivery benchmark needs PostgreSQL at " + TestServices.postgresUrl());
            System.exit(2);
        }
        // The receiver runs in a JVM of its own, so its CPU is not charged to the engine's process (and
        // the other way round): both sides below post to the same process.
        RemoteDouble receiver = new RemoteDouble();
        String target = receiver.url("/hook");

        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.database.pool-size", String.valueOf(Math.max(10, concurrency)));
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.egress.operator-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.outbound.concurrency", String.valueOf(concurrency));
        p.put("switchboard.outbound.endpoint-concurrency", String.valueOf(endpointCap));
        p.put("switchboard.outbound.batch-size", String.valueOf(Math.max(50, concurrency * 2)));
        p.put("logging.level.root", "WARN");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            OutboundProperties props = server.getBean(OutboundProperties.class);
            UrlGuard guard = server.getBean(UrlGuards.class).tenant();
            byte[] body = ("{\"type\":\"load.test\",\"timestamp\":\"" + Instant.now()
                            + "\",\"data\":{\"invoice\":\"in_1\",\"amount\":2999,\"currency\":\"eur\"}}")
                    .getBytes(StandardCharsets.UTF_8);

            // 1. The ceiling: the engine's own client configuration, nothing else.
            IngestLoad.Result raw;
            try (var http = SafeHttpClients.create(
                    guard, props.timeout(), props.concurrency() * 2, props.endpointConcurrency() * 2)) {
                raw = IngestLoad.measure("Raw HttpClient POST", concurrency, seconds, () -> {
                    HttpPost post = new HttpPost(target);
                    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
                    return http.execute(post, response -> {
                        EntityUtils.consume(response.getEntity());
                        return response.getCode() == 200;
                    });
                });
            }

            // 2. The engine: a backlog held by a disabled endpoint, released at once by enabling it.
            api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"bench\",\"name\":\"Bench\"}");
            String endpoint = api.post(
                            "/api/v1/tenants/bench/endpoints",
                            TestKeys.ADMIN_KEY,
                            "{\"url\":\"" + target + "\",\"disabled\":true}")
                    .json()
                    .get("id")
                    .asString();
            JdbcTemplate jdbc = server.getBean(JdbcTemplate.class);
            System.out.println("Loading " + messages + " messages");
            Timestamp now = Timestamp.from(Instant.now());
            byte[] payload =
                    "{\"invoice\":\"in_1\",\"amount\":2999,\"currency\":\"eur\"}".getBytes(StandardCharsets.UTF_8);
            for (int from = 0; from < messages; from += 1000) {
                List<Object[]> m = new ArrayList<>();
                List<Object[]> d = new ArrayList<>();
                for (int i = from; i < Math.min(messages, from + 1000); i++) {
                    String id = String.format("msg_bench%017d", i);
                    m.add(new Object[] {id, "bench", "load.test", payload, now});
                    d.add(new Object[] {String.format("dlv_bench%017d", i), "bench", id, endpoint, now, now});
                }
                jdbc.batchUpdate(
                        "INSERT INTO messages (id, tenant_id, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                        m);
                jdbc.batchUpdate(
                        "INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts, created_at,"
                                + " updated_at) VALUES (?, ?, ?, ?, 'paused', 0, ?, ?)",
                        d);
            }
            receiver.reset(0, 1);
            var metrics = server.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            double outcomeTxBefore = metrics.counter(Completions.TRANSACTIONS).count();
            double claimsBefore = metrics.counter(DeliveryEngine.CLAIMS).count();
            double outcomesBefore = metrics.counter(Completions.OUTCOMES).count();
            long xactBefore = xactCommit(jdbc);
            long started = System.nanoTime();
            api.patch("/api/v1/tenants/bench/endpoints/" + endpoint, TestKeys.ADMIN_KEY, "{\"disabled\":false}");
            long deadline = started + Duration.ofMinutes(10).toNanos();
            // Wait on the outcome writer's counter, then confirm in the database: a COUNT of the
            // endpoint's succeeded rows every 50 ms was some 6 % of the database's time in the run.
            while (metrics.counter(Completions.OUTCOMES).count() - outcomesBefore < messages
                    && System.nanoTime() < deadline) Thread.sleep(20);
            while (succeeded(jdbc, endpoint) < messages && System.nanoTime() < deadline) Thread.sleep(50);
            double elapsed = (System.nanoTime() - started) / 1e9;
            long claims = (long) (metrics.counter(DeliveryEngine.CLAIMS).count() - claimsBefore);
            long outcomeTx = (long) (metrics.counter(Completions.TRANSACTIONS).count() - outcomeTxBefore);
            long xact = xactCommit(jdbc) - xactBefore;
            long done = succeeded(jdbc, endpoint);
            double rate = done / elapsed;

            System.out.printf(
                    "%nDelivery benchmark: concurrency %d, %d messages, receiver on loopback in its own process (pid %d),"
                            + " PostgreSQL %s%n",
                    concurrency, messages, receiver.pid(), TestServices.postgresUrl());
            System.out.printf(
                    "%-40s %12.0f /s  (p50 %.2f ms, p99 %.2f ms, errors %d)%n",
                    "Raw HttpClient POST, same config",
                    raw.rate(),
                    raw.percentileMillis(0.5),
                    raw.percentileMillis(0.99),
                    raw.errors());
            System.out.printf(
                    "%-40s %12.0f /s  (%d delivered in %.1f s, %d requests seen)%n",
                    "Deliveries (claim, sign, send, record)",
                    rate,
                    done,
                    elapsed,
                    receiver.stats().requests());
            System.out.printf("Ratio deliveries / raw: %.2fx (target >= 0.6x)%n", rate / raw.rate());
            System.out.printf(
                    "Write transactions per delivery: %.3f (%d claims + %d outcome batches; target <= 0.1)%n",
                    (claims + outcomeTx) / (double) done, claims, outcomeTx);
            System.out.printf(
                    "All PostgreSQL transactions per delivery, reads and this harness's polling included: %.3f%n",
                    xact / (double) done);
        } finally {
            receiver.close();
        }
        System.exit(0);
    }

    private static long succeeded(JdbcTemplate jdbc, String endpoint) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'", Long.class, endpoint);
    }

    private static long xactCommit(JdbcTemplate jdbc) {
        return jdbc.queryForObject(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", Long.class);
    }
}
