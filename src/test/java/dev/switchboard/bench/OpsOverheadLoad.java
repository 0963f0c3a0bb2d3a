package dev.switchboard.bench;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the analytics rollups and the audit log cost ingest and delivery (issue 12): the same
 * measurements on two servers, one with both on (the defaults) and one with both off
 * ({@code switchboard.analytics.enabled=false}, {@code switchboard.audit.enabled=false}), each on a
 * fresh PostgreSQL schema, in one run. Ingest: GitHub-signed webhooks from a load generator in its
 * own process (the asynchronous processing stage off, as in {@code ingest-load}). Delivery: a
 * backlog of messages held by a disabled endpoint, released at once, to a receiver in its own
 * process. Arguments: {@code [concurrency] [ingest seconds] [messages] [rollup poll interval] [rounds]};
 * the rollup job polls at the application's default (30 s) unless told otherwise ({@code 5s} runs it
 * several times inside each measurement: more rollup work than in production). After a warm-up server
 * that is not counted, each round runs the halves on, off, off, on; the means are compared.
 */
final class OpsOverheadLoad {

    private OpsOverheadLoad() {}

    record Run(HttpLoadProcess.Result ingest, double deliveries, long auditEntries, long rollupRows) {}

    static void main(String[] args) throws Exception {
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        String poll = args.length > 3 ? args[3] : "30s";
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        if (!TestServices.postgresReachable()) {
            System.err.println("The overhead benchmark needs PostgreSQL at " + TestServices.postgresUrl());
            System.exit(2);
        }
        String loadBefore = loadAverage();
        List<Run> ons = new ArrayList<>();
        List<Run> offs = new ArrayList<>();
        try (RemoteDouble receiver = new RemoteDouble()) {
            receiver.reset(0, 1);
            // A warm-up server first, not counted: the first server in this JVM runs its code cold
            // (interpreted, then compiled while being measured) and every later one reuses the compiled
            // code, so whichever half ran first used to pay for the JIT. Then the halves alternate on,
            // off, off, on (per round), so that neither gets the warm code or a quieter machine by its
            // place in the order.
            System.out.println("Warm-up server (not counted)");
            run(true, poll, concurrency, Math.min(seconds, 5), Math.min(messages, 500), receiver);
            for (int round = 0; round < rounds; round++) {
                for (boolean enabled : new boolean[] {true, false, false, true}) {
                    (enabled ? ons : offs).add(run(enabled, poll, concurrency, seconds, messages, receiver));
                }
            }
        }
        Run on = mean(ons);
        Run off = mean(offs);
        System.out.printf(
                "%nRollups and audit overhead: concurrency %d, ingest %d s, %d messages, rollup poll %s, %d round(s)"
                        + " of on/off/off/on after a warm-up, PostgreSQL %s%nLoad average before: %s; after: %s%n",
                concurrency, seconds, messages, poll, rounds, TestServices.postgresUrl(), loadBefore, loadAverage());
        System.out.printf(
                "%-28s %14s %10s %10s %16s %14s%n",
                "", "ingest /s", "p50 ms", "p99 ms", "deliveries /s", "audit/rollups");
        List<Map.Entry<String, Run>> rows = new ArrayList<>();
        for (int i = 0; i < ons.size(); i++) rows.add(Map.entry("on, run " + (i + 1), ons.get(i)));
        for (int i = 0; i < offs.size(); i++) rows.add(Map.entry("off, run " + (i + 1), offs.get(i)));
        rows.add(Map.entry("rollups + audit on (mean)", on));
        rows.add(Map.entry("rollups + audit off (mean)", off));
        for (var e : rows) {
            Run r = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "%-28s %14.0f %10.2f %10.2f %16.0f %7d/%d%n",
                    e.getKey(),
                    r.ingest().rate(),
                    r.ingest().p50(),
                    r.ingest().p99(),
                    r.deliveries(),
                    r.auditEntries(),
                    r.rollupRows());
        }
        double ingestCost = 1 - on.ingest().rate() / off.ingest().rate();
        double deliveryCost = 1 - on.deliveries() / off.deliveries();
        System.out.printf(
                Locale.ROOT,
                "Ingest throughput lost to rollups + audit: %.1f %% (target <= 5 %%): %s%n",
                ingestCost * 100,
                ingestCost <= 0.05 ? "met" : "not met");
        System.out.printf(
                Locale.ROOT,
                "Delivery throughput lost to rollups + audit: %.1f %% (target <= 5 %%): %s%n",
                deliveryCost * 100,
                deliveryCost <= 0.05 ? "met" : "not met");
        System.exit(0);
    }

    /** The runs' mean: rates and latency percentiles averaged, counts of the last run. */
    private static Run mean(List<Run> runs) {
        Run last = runs.getLast();
        double rate =
                runs.stream().mapToDouble(r -> r.ingest().rate()).average().orElseThrow();
        double p50 = runs.stream().mapToDouble(r -> r.ingest().p50()).average().orElseThrow();
        double p99 = runs.stream().mapToDouble(r -> r.ingest().p99()).average().orElseThrow();
        double deliveries = runs.stream().mapToDouble(Run::deliveries).average().orElseThrow();
        long errors = runs.stream().mapToLong(r -> r.ingest().errors()).sum();
        long count = runs.stream().mapToLong(r -> r.ingest().count()).sum();
        return new Run(
                new HttpLoadProcess.Result(rate, p50, p99, errors, count),
                deliveries,
                last.auditEntries(),
                last.rollupRows());
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Run run(
            boolean enabled, String poll, int concurrency, int seconds, int messages, RemoteDouble receiver)
            throws Exception {
        System.out.println("Server with rollups and audit " + (enabled ? "on" : "off"));
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.database.pool-size", String.valueOf(Math.max(10, concurrency)));
        p.put("switchboard.inbound.processing.enabled", "false");
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        for (String limit : List.of("api", "inbound")) {
            p.put("switchboard." + limit + ".rate-limit.per-second", "100000");
            p.put("switchboard." + limit + ".rate-limit.burst", "100000");
        }
        p.put("switchboard.analytics.enabled", String.valueOf(enabled));
        p.put("switchboard.analytics.poll-interval", poll);
        p.put("switchboard.audit.enabled", String.valueOf(enabled));
        p.put("logging.level.root", "WARN");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            JdbcTemplate jdbc = server.getBean(JdbcTemplate.class);
            String admin = TestKeys.ADMIN_KEY;
            api.post("/api/v1/tenants", admin, "{\"id\":\"bench\",\"name\":\"Bench\"}");
            var source = api.post("/api/v1/tenants/bench/sources", admin, "{\"name\":\"gh\",\"provider\":\"github\"}")
                    .json();
            String url = api.base() + "/webhooks/" + source.get("id").asString();
            HttpLoadProcess.Result ingest = HttpLoadProcess.run(
                    concurrency, seconds, url, "github:" + source.get("secret").asString());

            String endpoint = api.post(
                            "/api/v1/tenants/bench/endpoints",
                            admin,
                            "{\"url\":\"" + receiver.url("/hook") + "\",\"disabled\":true}")
                    .json()
                    .get("id")
                    .asString();
            Timestamp now = Timestamp.from(Instant.now());
            byte[] payload = "{\"invoice\":\"in_1\",\"amount\":2999}".getBytes();
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
                        "INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts,"
                                + " created_at, updated_at) VALUES (?, ?, ?, ?, 'paused', 0, ?, ?)",
                        d);
            }
            long started = System.nanoTime();
            api.patch("/api/v1/tenants/bench/endpoints/" + endpoint, admin, "{\"disabled\":false}");
            long deadline = started + Duration.ofMinutes(10).toNanos();
            String count = "SELECT COUNT(*) FROM deliveries WHERE endpoint_id = ? AND status = 'succeeded'";
            while (jdbc.queryForObject(count, Long.class, endpoint) < messages && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double rate = jdbc.queryForObject(count, Long.class, endpoint) / ((System.nanoTime() - started) / 1e9);
            long audit = jdbc.queryForObject("SELECT COUNT(*) FROM audit_log", Long.class);
            long rollups = jdbc.queryForObject("SELECT COUNT(*) FROM analytics_rollups", Long.class);
            System.out.printf(
                    Locale.ROOT,
                    "  ingest %.0f/s, deliveries %.0f/s, audit entries %d, rollup rows %d%n",
                    ingest.rate(),
                    rate,
                    audit,
                    rollups);
            return new Run(ingest, rate, audit, rollups);
        }
    }
}
