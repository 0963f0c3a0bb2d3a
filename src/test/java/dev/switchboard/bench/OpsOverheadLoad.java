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
import java.util.function.ToDoubleFunction;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the analytics rollups and the audit log cost ingest and delivery (issue 12): the same
 * measurements on servers with both on (the defaults) and with both off ({@code
 * switchboard.analytics.enabled=false}, {@code switchboard.audit.enabled=false}), each on a fresh
 * PostgreSQL schema, in one run. Ingest: GitHub-signed webhooks from a load generator in its own
 * process (the asynchronous processing stage off, as in {@code ingest-load}). Delivery: a backlog of
 * messages held by a disabled endpoint, released at once, to a receiver in its own process.
 *
 * <p>So that "on" does its work inside each measured window: the rollup job polls at {@code [rollup
 * poll]} (default 5 s, six times the production rate; each window reports how many runs of the job
 * it saw, from the inbound watermark moving, and the rows they wrote), and an operator thread makes
 * {@code [ops/s]} mutating API calls (an event type's description) throughout, each an audit entry
 * when audit is on. Neither webhooks nor deliveries are audited themselves.
 *
 * <p>Against noise: a warm-up server first (not counted: the first server in a JVM runs cold code),
 * then a warm-up on each server (a short ingest and a small delivery, not counted), then rounds of
 * on, off, off, on. Throughput is reported per run, with each setting's spread and a 95 % interval
 * (Welch) for the difference; the verdict says "within noise" when that interval holds zero. And a
 * figure that a busy machine disturbs far less than throughput: the CPU time per ingested event and
 * per delivery, of this JVM (the server; the load generator and the receiver are other processes)
 * and of the database's PostgreSQL backends ({@code /proc/<pid>/stat}), over the window only: the
 * generator's measured seconds (not its JVM's start nor its warm-up), or the backlog's release to
 * its last delivery.
 *
 * <p>Arguments: {@code [concurrency 16] [ingest seconds 20] [messages 3000] [rollup poll 5s] [rounds
 * 2] [ops/s 5]}.
 */
final class OpsOverheadLoad {

    private OpsOverheadLoad() {}

    /** What one window saw: the server JVM's and its database backends' CPU, the job's runs, audit entries. */
    record Window(double seconds, double jvmCpu, double dbCpu, int rollupRuns, long rollupRows, long auditEntries) {}

    record Run(
            boolean on,
            HttpLoadProcess.Result ingest,
            Window ingestWindow,
            long delivered,
            double deliveries,
            Window deliveryWindow) {

        double jvmMsPerEvent() {
            return 1000 * ingestWindow.jvmCpu() / Math.max(1, ingest.count());
        }

        double dbMsPerEvent() {
            return 1000 * ingestWindow.dbCpu() / Math.max(1, ingest.count());
        }

        double jvmMsPerDelivery() {
            return 1000 * deliveryWindow.jvmCpu() / Math.max(1, delivered);
        }

        double dbMsPerDelivery() {
            return 1000 * deliveryWindow.dbCpu() / Math.max(1, delivered);
        }
    }

    private static final java.lang.management.OperatingSystemMXBean OS =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    static void main(String[] args) throws Exception {
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        String poll = args.length > 3 ? args[3] : "5s";
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        double opsPerSecond = args.length > 5 ? Double.parseDouble(args[5]) : 5;
        if (!TestServices.postgresReachable()) {
            System.err.println("The overhead benchmark needs PostgreSQL at " + TestServices.postgresUrl());
            System.exit(2);
        }
        if (!(OS instanceof com.sun.management.OperatingSystemMXBean)) {
            System.err.println("The overhead benchmark needs the JDK's process CPU time (com.sun.management)");
            System.exit(2);
        }
        Settings s = new Settings(concurrency, seconds, messages, poll, opsPerSecond);
        String loadBefore = loadAverage();
        List<Run> runs = new ArrayList<>();
        try (RemoteDouble receiver = new RemoteDouble()) {
            receiver.reset(0, 1);
            System.out.println("Warm-up server (not counted)");
            run(
                    true,
                    new Settings(concurrency, Math.min(seconds, 5), Math.min(messages, 500), poll, opsPerSecond),
                    receiver);
            for (int round = 0; round < rounds; round++) {
                for (boolean enabled : new boolean[] {true, false, false, true}) {
                    runs.add(run(enabled, s, receiver));
                    System.out.println("  load average " + loadAverage());
                }
            }
        }
        List<Run> ons = runs.stream().filter(Run::on).toList();
        List<Run> offs = runs.stream().filter(r -> !r.on()).toList();
        System.out.printf(
                Locale.ROOT,
                "%nRollups and audit overhead: concurrency %d, ingest %d s, %d messages, rollup poll %s, %.1f"
                        + " operator calls/s, %d round(s) of on/off/off/on after a warm-up server and a warm-up"
                        + " per server, PostgreSQL %s, %d CPUs%nLoad average before: %s; after: %s%n",
                concurrency,
                seconds,
                messages,
                poll,
                opsPerSecond,
                rounds,
                TestServices.postgresUrl(),
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAverage());
        System.out.printf(
                "%-10s %9s %8s %8s %9s %11s %11s %11s %11s %13s %13s%n",
                "run",
                "ingest/s",
                "p50 ms",
                "p99 ms",
                "deliv./s",
                "JVM ms/evt",
                "DB ms/evt",
                "JVM ms/dlv",
                "DB ms/dlv",
                "rollup runs",
                "audit");
        int[] counters = new int[2];
        for (Run r : runs) {
            String name = (r.on() ? "on " : "off ") + (++counters[r.on() ? 0 : 1]);
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %9.0f %8.1f %8.1f %9.0f %11.3f %11.3f %11.3f %11.3f %6d + %-6d %6d + %-6d%n",
                    name,
                    r.ingest().rate(),
                    r.ingest().p50(),
                    r.ingest().p99(),
                    r.deliveries(),
                    r.jvmMsPerEvent(),
                    r.dbMsPerEvent(),
                    r.jvmMsPerDelivery(),
                    r.dbMsPerDelivery(),
                    r.ingestWindow().rollupRuns(),
                    r.deliveryWindow().rollupRuns(),
                    r.ingestWindow().auditEntries(),
                    r.deliveryWindow().auditEntries());
        }
        System.out.println("(rollup runs and audit entries: in the ingest window + in the delivery window)");
        System.out.println();
        compare("Ingest throughput", ons, offs, r -> r.ingest().rate(), true);
        compare("Delivery throughput", ons, offs, Run::deliveries, true);
        compare("Server JVM CPU per ingested event", ons, offs, Run::jvmMsPerEvent, false);
        compare("Server JVM CPU per delivery", ons, offs, Run::jvmMsPerDelivery, false);
        compare("JVM + database CPU per ingested event", ons, offs, r -> r.jvmMsPerEvent() + r.dbMsPerEvent(), false);
        compare("JVM + database CPU per delivery", ons, offs, r -> r.jvmMsPerDelivery() + r.dbMsPerDelivery(), false);
        System.exit(0);
    }

    record Settings(int concurrency, int seconds, int messages, String poll, double opsPerSecond) {}

    /**
     * Prints a measure's mean, min and max per setting, the cost of "on" (lost throughput, or extra
     * CPU) with a 95 % interval, and a verdict against the 5 % target that says "within noise" when
     * the interval holds zero.
     */
    static void compare(
            String what, List<Run> ons, List<Run> offs, ToDoubleFunction<Run> measure, boolean higherIsBetter) {
        double[] on = ons.stream().mapToDouble(measure).toArray();
        double[] off = offs.stream().mapToDouble(measure).toArray();
        double mOn = mean(on);
        double mOff = mean(off);
        // Cost as a fraction of "off": throughput lost, or CPU added.
        double sign = higherIsBetter ? -1 : 1;
        double cost = sign * (mOn - mOff) / mOff;
        double half = Double.NaN;
        if (on.length > 1 && off.length > 1) {
            double vOn = variance(on) / on.length;
            double vOff = variance(off) / off.length;
            double se = Math.sqrt(vOn + vOff);
            double df = (vOn + vOff) * (vOn + vOff) / (vOn * vOn / (on.length - 1) + vOff * vOff / (off.length - 1));
            half = se == 0 ? 0 : t975(df) * se / mOff;
        }
        double low = cost - half;
        double high = cost + half;
        String verdict;
        if (Double.isNaN(half)) verdict = "one run per setting: no interval, not established";
        else if (high <= 0.05 && low <= 0) verdict = "within noise; target met (the interval is under 5 %)";
        else if (low <= 0) verdict = "within noise; not established (the interval reaches past 5 %)";
        else if (high <= 0.05) verdict = "a cost is shown, and the target is met";
        else if (low > 0.05) verdict = "not met";
        else verdict = "a cost is shown; not established against 5 % (the interval spans it)";
        System.out.printf(
                Locale.ROOT,
                "%s: on %s, off %s; cost of on %+.1f %% (95 %% interval %+.1f %% .. %+.1f %%): %s%n",
                what,
                spread(on),
                spread(off),
                cost * 100,
                low * 100,
                high * 100,
                verdict);
    }

    private static String spread(double[] xs) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double x : xs) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        String f = mean(xs) >= 100 ? "%.0f" : "%.3f";
        return String.format(Locale.ROOT, "mean " + f + " (min " + f + ", max " + f + ")", mean(xs), min, max);
    }

    private static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) sum += x;
        return sum / xs.length;
    }

    private static double variance(double[] xs) {
        double m = mean(xs);
        double sum = 0;
        for (double x : xs) sum += (x - m) * (x - m);
        return sum / (xs.length - 1);
    }

    /** Student's t, two-sided 95 %, for {@code df} degrees of freedom (rounded down; conservative). */
    static double t975(double df) {
        double[] table = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};
        if (df < 1) return table[0];
        if (df < 11) return table[(int) df - 1];
        if (df < 15) return 2.179;
        if (df < 20) return 2.131;
        if (df < 30) return 2.086;
        return 2.042;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Run run(boolean enabled, Settings s, RemoteDouble receiver) throws Exception {
        System.out.println("Server with rollups and audit " + (enabled ? "on" : "off"));
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.database.pool-size", String.valueOf(Math.max(10, s.concurrency())));
        p.put("switchboard.inbound.processing.enabled", "false");
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        for (String limit : List.of("api", "inbound")) {
            p.put("switchboard." + limit + ".rate-limit.per-second", "100000");
            p.put("switchboard." + limit + ".rate-limit.burst", "100000");
        }
        p.put("switchboard.analytics.enabled", String.valueOf(enabled));
        p.put("switchboard.analytics.poll-interval", s.poll());
        p.put("switchboard.audit.enabled", String.valueOf(enabled));
        p.put("logging.level.root", "WARN");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            JdbcTemplate jdbc = server.getBean(JdbcTemplate.class);
            String admin = TestKeys.ADMIN_KEY;
            api.post("/api/v1/tenants", admin, "{\"id\":\"bench\",\"name\":\"Bench\"}");
            api.post("/api/v1/tenants/bench/event-types", admin, "{\"name\":\"bench.op\",\"description\":\"0\"}");
            var source = api.post("/api/v1/tenants/bench/sources", admin, "{\"name\":\"gh\",\"provider\":\"github\"}")
                    .json();
            String url = api.base() + "/webhooks/" + source.get("id").asString();
            String secret = "github:" + source.get("secret").asString();
            Operator operator = new Operator(api, s.opsPerSecond());

            // This server's warm-up, not counted: its pool's connections, caches and code paths.
            HttpLoadProcess.run(s.concurrency(), Math.min(5, s.seconds()), url, secret);
            deliver(api, jdbc, receiver, "warm", Math.min(300, s.messages()), null);

            Probe[] ingestProbe = new Probe[1];
            HttpLoadProcess.Result ingest = HttpLoadProcess.run(
                    s.concurrency(), s.seconds(), url, () -> ingestProbe[0] = Probe.start(jdbc, operator), secret);
            Window ingestWindow = ingestProbe[0].stop();

            Probe[] deliveryProbe = new Probe[1];
            long started = deliver(
                    api, jdbc, receiver, "bench", s.messages(), () -> deliveryProbe[0] = Probe.start(jdbc, operator));
            Window deliveryWindow = deliveryProbe[0].stop();
            long delivered = succeeded(jdbc, "bench");
            double rate = delivered / ((System.nanoTime() - started) / 1e9);
            Run r = new Run(enabled, ingest, ingestWindow, delivered, rate, deliveryWindow);
            System.out.printf(
                    Locale.ROOT,
                    "  ingest %.0f/s (%d), deliveries %.0f/s (%d); CPU ms per event %.3f JVM + %.3f DB, per delivery"
                            + " %.3f JVM + %.3f DB; rollup runs %d + %d (rows %d); audit entries %d + %d%n",
                    ingest.rate(),
                    ingest.count(),
                    rate,
                    delivered,
                    r.jvmMsPerEvent(),
                    r.dbMsPerEvent(),
                    r.jvmMsPerDelivery(),
                    r.dbMsPerDelivery(),
                    ingestWindow.rollupRuns(),
                    deliveryWindow.rollupRuns(),
                    deliveryWindow.rollupRows(),
                    ingestWindow.auditEntries(),
                    deliveryWindow.auditEntries());
            return r;
        }
    }

    private static long succeeded(JdbcTemplate jdbc, String prefix) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM deliveries WHERE id LIKE ? AND status = 'succeeded'",
                Long.class,
                "dlv_" + prefix + "%");
    }

    /**
     * Holds {@code messages} messages behind a disabled endpoint, then releases them and waits until
     * they are delivered (at most 10 minutes); {@code onRelease} runs just before the release.
     * Returns when the release was sent ({@link System#nanoTime}).
     */
    private static long deliver(
            Api api, JdbcTemplate jdbc, RemoteDouble receiver, String prefix, int messages, Runnable onRelease)
            throws InterruptedException {
        String admin = TestKeys.ADMIN_KEY;
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
                String id = String.format("msg_%s%017d", prefix, i);
                m.add(new Object[] {id, "bench", "load.test", payload, now});
                d.add(new Object[] {String.format("dlv_%s%017d", prefix, i), "bench", id, endpoint, now, now});
            }
            jdbc.batchUpdate(
                    "INSERT INTO messages (id, tenant_id, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?)", m);
            jdbc.batchUpdate(
                    "INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts,"
                            + " created_at, updated_at) VALUES (?, ?, ?, ?, 'paused', 0, ?, ?)",
                    d);
        }
        if (onRelease != null) onRelease.run();
        long started = System.nanoTime();
        api.patch("/api/v1/tenants/bench/endpoints/" + endpoint, admin, "{\"disabled\":false}");
        long deadline = started + Duration.ofMinutes(10).toNanos();
        while (succeeded(jdbc, prefix) < messages && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return started;
    }

    /** Mutating API calls at a steady rate while a window is open: audit entries when audit is on. */
    static final class Operator {
        private final Api api;
        private final long periodNanos;
        private volatile Thread thread;
        private int n;

        Operator(Api api, double perSecond) {
            this.api = api;
            this.periodNanos = perSecond <= 0 ? 0 : (long) (1e9 / perSecond);
        }

        void start() {
            if (periodNanos == 0) return;
            thread = Thread.ofPlatform().daemon().name("bench-operator").start(() -> {
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        api.patch(
                                "/api/v1/tenants/bench/event-types/bench.op",
                                TestKeys.ADMIN_KEY,
                                "{\"description\":\"" + (++n) + "\"}");
                    } catch (RuntimeException e) {
                        // counted by what it did not write: the window's audit entries
                    }
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            });
        }

        void stop() throws InterruptedException {
            Thread t = thread;
            if (t == null) return;
            t.interrupt();
            t.join();
        }
    }

    /**
     * One measured window: this JVM's CPU time (the server's threads; the load generator and the
     * receiver are other processes), the CPU time of this database's PostgreSQL backends, the rollup
     * job's runs (the inbound watermark sampled every 100 ms: each run moves it to its "now"), and
     * audit entries written.
     */
    static final class Probe {
        private final JdbcTemplate jdbc;
        private final Operator operator;
        private final long startNanos = System.nanoTime();
        private final long jvmStart = jvmCpuNanos();
        private final Map<Integer, Long> dbStart;
        private final long rowsStart;
        private final long auditStart;
        private final java.util.Set<Object> marks = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Thread sampler;
        private volatile boolean done;

        private Probe(JdbcTemplate jdbc, Operator operator) {
            this.jdbc = jdbc;
            this.operator = operator;
            this.dbStart = backendTicks(jdbc);
            this.rowsStart = count(jdbc, "analytics_rollups");
            this.auditStart = count(jdbc, "audit_log");
            Object first = watermark(jdbc);
            this.sampler = Thread.ofPlatform().daemon().name("bench-probe").start(() -> {
                while (!done) {
                    Object mark = watermark(jdbc);
                    if (mark != null && !mark.equals(first)) marks.add(mark);
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
                }
            });
        }

        static Probe start(JdbcTemplate jdbc, Operator operator) {
            Probe p = new Probe(jdbc, operator);
            operator.start();
            return p;
        }

        Window stop() throws InterruptedException {
            double jvm = (jvmCpuNanos() - jvmStart) / 1e9;
            Map<Integer, Long> dbEnd = backendTicks(jdbc);
            operator.stop();
            done = true;
            sampler.join();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long ticks = 0;
            // A backend that ended inside the window is lost (the pool keeps its connections); one that
            // began inside it counts whole.
            for (var e : dbEnd.entrySet()) ticks += e.getValue() - dbStart.getOrDefault(e.getKey(), 0L);
            return new Window(
                    seconds,
                    jvm,
                    ticks / 100.0,
                    marks.size(),
                    count(jdbc, "analytics_rollups") - rowsStart,
                    count(jdbc, "audit_log") - auditStart);
        }

        private static long count(JdbcTemplate jdbc, String table) {
            return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
        }

        private static Object watermark(JdbcTemplate jdbc) {
            return jdbc
                    .queryForList(
                            "SELECT rolled_up_to FROM analytics_watermarks WHERE stream = 'inbound'", Object.class)
                    .stream()
                    .filter(java.util.Objects::nonNull) // a node with rollups off leaves the row's mark null
                    .findFirst()
                    .orElse(null);
        }

        private static long jvmCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) OS).getProcessCpuTime();
        }

        /**
         * utime + stime (clock ticks, 100 a second on Linux) of every backend connected to this
         * database: this run's server is the only client of its database while it runs.
         */
        private static Map<Integer, Long> backendTicks(JdbcTemplate jdbc) {
            Map<Integer, Long> out = new HashMap<>();
            for (Integer pid : jdbc.queryForList(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()", Integer.class)) {
                try {
                    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // After the command: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
                    out.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (java.io.IOException | RuntimeException e) {
                    // not on this machine, or ended: not counted
                }
            }
            return out;
        }
    }
}
