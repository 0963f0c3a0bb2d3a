package dev.switchboard.inbound;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ingest load harness (docs/BENCHMARKS.md). On one PostgreSQL, at the same concurrency and for
 * the same time, it measures (1) PostgreSQL's own single-row insert rate of an inbound event row,
 * through the very INSERT the server uses, each row its own commit; and (2) signed GitHub webhooks
 * posted over HTTP to a real server, each verified, deduplicated, stored and committed before its
 * 200. It prints both and their ratio. Bounded: it stops after the given seconds.
 */
public final class IngestLoad {

    public record Result(long ops, long errors, double seconds, long[] latenciesNanos) {
        public double rate() {
            return ops / seconds;
        }

        public double percentileMillis(double p) {
            if (latenciesNanos.length == 0) return Double.NaN;
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(p * latenciesNanos.length))]
                    / 1e6;
        }
    }

    public interface Op {
        boolean run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        if (!TestServices.postgresReachable()) {
            System.err.println("The ingest benchmark needs PostgreSQL at " + TestServices.postgresUrl());
            System.exit(2);
        }
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.database.pool-size", String.valueOf(concurrency));
        // Ingest only: the asynchronous stage would compete for the same two cores.
        p.put("switchboard.inbound.processing.enabled", "false");
        p.put("logging.level.root", "WARN");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
                var pool = new HikariDataSource()) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            String tenant = "bench";
            api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"bench\",\"name\":\"Bench\"}");
            var source = api.post(
                            "/api/v1/tenants/bench/sources",
                            TestKeys.ADMIN_KEY,
                            "{\"name\":\"gh\",\"provider\":\"github\"}")
                    .json();
            String sourceId = source.get("id").asString();
            String secret = source.get("secret").asString();
            char[] filler = new char[1000];
            Arrays.fill(filler, 'x');
            String padding = new String(filler);

            pool.setJdbcUrl(p.get("switchboard.database.url"));
            pool.setUsername(p.get("switchboard.database.user"));
            pool.setPassword(p.get("switchboard.database.password"));
            pool.setMaximumPoolSize(concurrency);
            // Inserts only: no claims.
            EventRepository events = new EventRepository(
                    JdbcClient.create(pool),
                    new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(pool),
                    JsonMapper.builder().build(),
                    null);
            Map<String, String> headers = Map.of(
                    "content-type", "application/json", "x-github-event", "push", "x-hub-signature-256", "[redacted]");
            Result insert = measure("PostgreSQL single-row INSERT", concurrency, seconds, () -> {
                String id =
                        "evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 26);
                byte[] body = ("{\"ref\":\"refs/heads/main\",\"pad\":\"" + padding + "\"}").getBytes();
                Instant now = Instant.now();
                return events.insert(
                        new EventRow(
                                id,
                                tenant,
                                sourceId,
                                Provider.GITHUB,
                                "delivery:" + UUID.randomUUID(),
                                null,
                                "github.push",
                                null,
                                null,
                                null,
                                now,
                                "application/json",
                                headers,
                                body.length,
                                null,
                                "github-sha256",
                                "received",
                                0,
                                1,
                                now,
                                null,
                                null,
                                null,
                                "127.0.0.1"),
                        body);
            });

            // Apache HttpClient 5 with a pooled connection per sender: the JDK client's single selector
            // thread was the bottleneck of this harness, not the server.
            var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(concurrency)
                    .setMaxConnPerRoute(concurrency)
                    .build();
            Result ingest;
            Result ceiling;
            try (var http = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                    .setConnectionManager(connections)
                    .build()) {
                String uri = api.base() + "/webhooks/" + sourceId;
                ingest = measure("Signed webhook ingest (HTTP)", concurrency, seconds, () -> {
                    String body = "{\"ref\":\"refs/heads/main\",\"pad\":\"" + padding + "\",\"n\":\""
                            + UUID.randomUUID() + "\"}";
                    var post = new org.apache.hc.client5.http.classic.methods.HttpPost(uri);
                    post.setHeader("X-GitHub-Event", "push");
                    post.setHeader("X-GitHub-Delivery", UUID.randomUUID().toString());
                    post.setHeader("X-Hub-Signature-256", Signers.github(secret, body));
                    post.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity(
                            body, org.apache.hc.core5.http.ContentType.APPLICATION_JSON));
                    return http.execute(post, response -> {
                        org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                        return response.getCode() == 200;
                    });
                });
                // The same client and server with no database and no work: the HTTP stack's own ceiling here.
                String liveness = api.base() + "/actuator/health/liveness";
                ceiling = measure(
                        "HTTP round trip (liveness probe)",
                        concurrency,
                        seconds,
                        () -> http.execute(
                                new org.apache.hc.client5.http.classic.methods.HttpGet(liveness), response -> {
                                    org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                                    return response.getCode() == 200;
                                }));
            }

            System.out.printf(
                    "%nIngest benchmark: concurrency %d, %d s each, ~1 KB bodies, PostgreSQL %s%n",
                    concurrency, seconds, TestServices.postgresUrl());
            System.out.printf("%-32s %12s %10s %10s %8s%n", "", "per second", "p50 ms", "p99 ms", "errors");
            for (var e : List.of(
                    Map.entry("PostgreSQL single-row INSERT", insert),
                    Map.entry("Signed webhook ingest", ingest),
                    Map.entry("HTTP round trip, no work", ceiling))) {
                Result r = e.getValue();
                System.out.printf(
                        "%-32s %12.0f %10.2f %10.2f %8d%n",
                        e.getKey(), r.rate(), r.percentileMillis(0.50), r.percentileMillis(0.99), r.errors());
            }
            System.out.printf("Ratio ingest / insert: %.2fx (target >= 1.0x, aim 2x)%n", ingest.rate() / insert.rate());
            System.out.printf("Ratio ingest / bare HTTP round trip: %.2fx%n", ingest.rate() / ceiling.rate());
        }
        System.exit(0);
    }

    /** Runs {@code op} from {@code concurrency} virtual threads: 3 s warm-up, then {@code seconds} measured. */
    public static Result measure(String name, int concurrency, int seconds, Op op) throws Exception {
        return measure(name, concurrency, seconds, op, () -> {});
    }

    /** As {@link #measure(String, int, int, Op)}, running {@code measuring} between the warm-up and the measured run. */
    public static Result measure(String name, int concurrency, int seconds, Op op, Runnable measuring)
            throws Exception {
        System.out.println("Running: " + name);
        run(concurrency, Duration.ofSeconds(3), op);
        measuring.run();
        return run(concurrency, Duration.ofSeconds(seconds), op);
    }

    private static Result run(int concurrency, Duration duration, Op op) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> latencies = new ArrayList<>();
        long[] errors = new long[concurrency];
        long[] counts = new long[concurrency];
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < concurrency; t++) {
                int me = t;
                long[] mine = new long[2_000_000];
                latencies.add(mine);
                threads.submit(() -> {
                    while (!stop.get() && counts[me] < mine.length) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            ok = op.run();
                        } catch (Exception e) {
                            ok = false;
                        }
                        if (ok) mine[(int) counts[me]++] = System.nanoTime() - t0;
                        else errors[me]++;
                    }
                });
            }
            Thread.sleep(duration);
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (int t = 0; t < concurrency; t++) {
            System.arraycopy(latencies.get(t), 0, all, k, (int) counts[t]);
            k += (int) counts[t];
        }
        Arrays.sort(all);
        return new Result(total, Arrays.stream(errors).sum(), elapsed, all);
    }
}
