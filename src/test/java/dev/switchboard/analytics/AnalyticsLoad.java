package dev.switchboard.analytics;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Analytics from the rollups against the same answer from a raw {@code GROUP BY} (issue 12), on
 * PostgreSQL: {@code [events] [providers]} inbound events and 1.2 × as many delivery attempts (one
 * delivery per message, 1.2 attempts per delivery), spread evenly over the last 30 days, generated with {@code generate_series} into the real tables of a fresh schema; then the real
 * rollup job ({@link Rollups#catchUp()}) computes the rollups. Timed, median of 5 after a warm-up:
 * the API's hourly week and daily month by provider (over HTTP, JSON included) and the raw SQL
 * giving the same series and per-provider totals (counts, success counts, average and p95 latency).
 */
public final class AnalyticsLoad {

    private AnalyticsLoad() {}

    static final String[] PROVIDERS = {"github", "stripe", "slack", "shopify", "twilio", "standard-webhooks"};

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int providers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long attempts = events * 12 / 10;
        // Attempts belong to deliveries, one per message: 1.2 attempts per delivery on average.
        long messages = Math.max(1, attempts * 10 / 12);
        if (!TestServices.postgresReachable()) {
            System.err.println("The analytics benchmark needs PostgreSQL at " + TestServices.postgresUrl());
            System.exit(2);
        }
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        // The harness runs the rollup job itself, once, after generating.
        p.put("switchboard.analytics.enabled", "false");
        // The generated rows span the last 30 days, the default retention of messages, attempts and raw
        // bodies: during a long generation the oldest would start to expire, and the server's purge (a
        // DELETE per batch, on tables whose indexes are dropped while loading) would both block the index
        // build and change the totals being compared. Nothing here may expire while the harness runs.
        for (String retention : List.of(
                "outbound.retention.messages",
                "outbound.retention.attempts",
                "inbound.raw-retention",
                "inbound.metadata-retention")) {
            p.put("switchboard." + retention, "3650d");
        }
        p.put("switchboard.inbound.processing.enabled", "false");
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.api.rate-limit.per-second", "100000");
        p.put("switchboard.api.rate-limit.burst", "100000");
        p.put("logging.level.root", "WARN");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            JdbcTemplate jdbc = server.getBean(JdbcTemplate.class);
            String admin = TestKeys.ADMIN_KEY;
            api.post("/api/v1/tenants", admin, "{\"id\":\"bench\",\"name\":\"Bench\"}");
            List<String> sources = new ArrayList<>();
            List<String> endpoints = new ArrayList<>();
            for (int i = 0; i < providers; i++) {
                var s = api.post(
                        "/api/v1/tenants/bench/sources",
                        admin,
                        "{\"name\":\"s" + i + "\",\"provider\":\"" + PROVIDERS[i % PROVIDERS.length]
                                + "\",\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}");
                if (s.status() != 201) throw new IllegalStateException(s.toString());
                sources.add(s.json().get("id").asString());
                var e = api.post(
                        "/api/v1/tenants/bench/endpoints",
                        admin,
                        "{\"url\":\"http://127.0.0.1:9/hook" + i + "\",\"disabled\":true}");
                if (e.status() != 201) throw new IllegalStateException(e.toString());
                endpoints.add(e.json().get("id").asString());
            }
            String srcArray = "ARRAY['" + String.join("','", sources) + "']";
            String epArray = "ARRAY['" + String.join("','", endpoints) + "']";
            String provArray = "ARRAY['" + String.join("','", Arrays.copyOf(PROVIDERS, providers)) + "']";
            Instant now = Instant.now();
            Timestamp start = Timestamp.from(now.minus(Duration.ofDays(30)));
            double stepMs = Duration.ofDays(30).toMillis();

            System.out.printf(
                    "Generating %,d events, %,d messages and deliveries, %,d attempts%n", events, messages, attempts);
            long t0 = System.nanoTime();
            // One connection for the whole generation, so that its session settings hold: no foreign-key
            // triggers while loading (the rows are consistent by construction), no commit flush, and the
            // secondary indexes dropped first and built once after the load (a bulk build is several
            // times faster than 10 M index insertions). The tables and indexes end up as the server's.
            var connection = server.getBean(javax.sql.DataSource.class).getConnection();
            JdbcTemplate gen = new JdbcTemplate(
                    new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true));
            gen.execute("SET synchronous_commit = off");
            gen.execute("SET session_replication_role = replica");
            gen.execute("SET maintenance_work_mem = '256MB'");
            List<String[]> indexes = gen.query("""
                    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                    JOIN pg_class t ON t.oid = i.indrelid
                    WHERE t.relnamespace = current_schema()::regnamespace
                      AND t.relname IN ('inbound_events', 'messages', 'deliveries', 'delivery_attempts')
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                    """, (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
            for (String[] index : indexes) gen.execute("DROP INDEX " + index[0]);
            timed(
                    "inbound_events",
                    () -> gen.update(
                            """
                    INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                        headers, body_size, verification, status, attempts, runs)
                    SELECT 'evt_' || lpad(i::text, 26, '0'), 'bench', (%s)[1 + i %% %d], (%s)[1 + i %% %d], 'k' || i,
                        'push', ?::timestamptz + (i * %f / %d) * interval '1 millisecond', '{}', 0, 'github-sha256', 'processed', 0, 1
                    FROM generate_series(0, %d) AS i
                    """.formatted(srcArray, providers, provArray, providers, stepMs, events, events - 1),
                            start));
            timed(
                    "messages",
                    () -> gen.update("""
                    INSERT INTO messages (id, tenant_id, event_type, payload, created_at, provider)
                    SELECT 'msg_' || lpad(i::text, 26, '0'), 'bench', 'push', '\\x7b7d'::bytea,
                        ?::timestamptz + (i * %f / %d) * interval '1 millisecond', (%s)[1 + i %% %d]
                    FROM generate_series(0, %d) AS i
                    """.formatted(stepMs, messages, provArray, providers, messages - 1), start));
            timed(
                    "deliveries",
                    () -> gen.update("""
                    INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts, created_at, updated_at)
                    SELECT 'dlv_' || lpad(i::text, 26, '0'), 'bench', 'msg_' || lpad(i::text, 26, '0'),
                        (%s)[1 + i %% %d], 'succeeded', 1, ?::timestamptz + (i * %f / %d) * interval '1 millisecond', ?::timestamptz
                    FROM generate_series(0, %d) AS i
                    """.formatted(epArray, providers, stepMs, messages, messages - 1), start, start));
            // Attempt j belongs to message j × messages / attempts (so attempts follow their message in
            // time); about one in ten fails.
            timed(
                    "delivery_attempts",
                    () -> gen.update(
                            """
                    INSERT INTO delivery_attempts (id, tenant_id, delivery_id, message_id, endpoint_id, attempted_at,
                        outcome, status_code, latency_ms)
                    SELECT 'att_' || lpad(j::text, 26, '0'), 'bench', 'dlv_' || lpad(m::text, 26, '0'),
                        'msg_' || lpad(m::text, 26, '0'), (%s)[1 + m %% %d], ?::timestamptz + (j * %f / %d) * interval '1 millisecond',
                        CASE WHEN j %% 10 = 3 THEN 'UNAVAILABLE' ELSE 'SUCCESS' END,
                        CASE WHEN j %% 10 = 3 THEN 503 ELSE 200 END, 5 + (j * 37) %% 400
                    FROM (SELECT j, j * %d / %d AS m FROM generate_series(0::bigint, %d) AS j) g
                    """.formatted(epArray, providers, stepMs, attempts, messages, attempts, attempts - 1),
                            start));
            timed("indexes (" + indexes.size() + ")", () -> {
                for (String[] index : indexes) gen.execute(index[1]);
                return indexes.size();
            });
            gen.execute("SET session_replication_role = origin");
            timed("ANALYZE", () -> {
                gen.execute("ANALYZE");
                return 0;
            });
            connection.close();
            double generated = (System.nanoTime() - t0) / 1e9;
            Rollups job = server.getBean(Rollups.class);
            long t1 = System.nanoTime();
            job.catchUp();
            double rolled = (System.nanoTime() - t1) / 1e9;
            long rows = jdbc.queryForObject("SELECT COUNT(*) FROM analytics_rollups", Long.class);
            System.out.printf(
                    Locale.ROOT, "Generated in %.0f s; rollups (%,d rows) in %.0f s%n", generated, rows, rolled);
            jdbc.execute("ANALYZE analytics_rollups");

            String week = "/api/v1/tenants/bench/analytics?range=week&groupBy=provider&interval=hour";
            String month = "/api/v1/tenants/bench/analytics?range=month&groupBy=provider&interval=day";
            JsonNode weekReport = api.get(week, admin).json();
            JsonNode monthReport = api.get(month, admin).json();
            Instant weekFrom = Instant.parse(weekReport.get("from").asString());
            Instant weekTo = Instant.parse(weekReport.get("to").asString());
            Instant monthFrom = Instant.parse(monthReport.get("from").asString());
            Instant monthTo = Instant.parse(monthReport.get("to").asString());

            double apiWeek = median(() -> status(api.get(week, admin)));
            double rawWeek = median(() -> raw(jdbc, "hour", weekFrom, weekTo));
            double apiMonth = median(() -> status(api.get(month, admin)));
            double rawMonth = median(() -> raw(jdbc, "day", monthFrom, monthTo));

            // The same answer: the API's totals against the raw counts over the same range.
            long[] wk = rawTotals(jdbc, weekFrom, weekTo);
            long[] mo = rawTotals(jdbc, monthFrom, monthTo);
            System.out.printf(
                    "%nAnalytics benchmark: %,d events, %,d attempts (%,d messages), %d providers, PostgreSQL %s%n",
                    events, attempts, messages, providers, TestServices.postgresUrl());
            System.out.printf(
                    "Check, week: API received %d attempts %d; raw %d / %d. Month: API %d / %d; raw %d / %d%n",
                    weekReport.get("totals").get("received").asLong(),
                    weekReport.get("totals").get("attempts").asLong(),
                    wk[0],
                    wk[1],
                    monthReport.get("totals").get("received").asLong(),
                    monthReport.get("totals").get("attempts").asLong(),
                    mo[0],
                    mo[1]);
            System.out.printf(
                    "JSON: hourly week %,d bytes, daily month %,d bytes%n",
                    status(api.get(week, admin)), status(api.get(month, admin)));
            System.out.printf(
                    "Load average: %s%n",
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                            .trim());
            System.out.printf("%-36s %12s %12s %8s%n", "", "API ms", "raw ms", "ratio");
            boolean met = true;
            for (var r : List.of(new double[] {apiWeek, rawWeek, 0}, new double[] {apiMonth, rawMonth, 1})) {
                double ratio = r[0] / r[1];
                met &= ratio <= 0.1;
                System.out.printf(
                        Locale.ROOT,
                        "%-36s %12.1f %12.1f %8.3f %s%n",
                        r[2] == 0 ? "hourly, last week, by provider" : "daily, last 30 days, by provider",
                        r[0],
                        r[1],
                        ratio,
                        ratio <= 0.1 ? "met" : "not met");
            }
            System.out.println("Target: each <= 0.1x the raw GROUP BY: " + (met ? "met" : "not met"));
        }
        System.exit(0);
    }

    private static long status(Api.Response r) {
        if (r.status() != 200) throw new IllegalStateException(r.toString());
        return r.body().length();
    }

    private static void timed(String what, LongSupplier step) {
        long t = System.nanoTime();
        long n = step.getAsLong();
        System.out.printf(Locale.ROOT, "  %-18s %,12d rows %8.1f s%n", what, n, (System.nanoTime() - t) / 1e9);
    }

    /** Milliseconds: one warm-up, then the median of five runs. */
    private static double median(LongSupplier op) {
        op.getAsLong();
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            op.getAsLong();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /**
     * The answer the API gives, from the raw tables: per provider and bucket, and per provider over
     * the range, events received and attempts, successes, average and p95 latency.
     */
    private static long raw(JdbcTemplate jdbc, String unit, Instant from, Instant to) {
        Timestamp f = Timestamp.from(from);
        Timestamp t = Timestamp.from(to);
        long n = jdbc.queryForList("""
                        SELECT provider, date_trunc('%s', received_at AT TIME ZONE 'UTC') AS b, COUNT(*)
                        FROM inbound_events WHERE tenant_id = 'bench' AND received_at >= ? AND received_at < ?
                        GROUP BY GROUPING SETS ((provider, b), (provider))
                        """.formatted(unit), f, t).size();
        n += jdbc.queryForList("""
                        SELECT m.provider, date_trunc('%s', a.attempted_at AT TIME ZONE 'UTC') AS b, COUNT(*),
                            COUNT(*) FILTER (WHERE a.outcome = 'SUCCESS'), AVG(a.latency_ms),
                            percentile_cont(0.95) WITHIN GROUP (ORDER BY a.latency_ms)
                        FROM delivery_attempts a JOIN messages m ON m.id = a.message_id
                        WHERE a.tenant_id = 'bench' AND a.attempted_at >= ? AND a.attempted_at < ?
                        GROUP BY GROUPING SETS ((m.provider, b), (m.provider))
                        """.formatted(unit), f, t).size();
        return n;
    }

    private static long[] rawTotals(JdbcTemplate jdbc, Instant from, Instant to) {
        Timestamp f = Timestamp.from(from);
        Timestamp t = Timestamp.from(to);
        return new long[] {
            jdbc.queryForObject(
                    "SELECT COUNT(*) FROM inbound_events WHERE tenant_id = 'bench' AND received_at >= ? AND received_at < ?",
                    Long.class,
                    f,
                    t),
            jdbc.queryForObject(
                    "SELECT COUNT(*) FROM delivery_attempts WHERE tenant_id = 'bench' AND attempted_at >= ? AND attempted_at < ?",
                    Long.class,
                    f,
                    t)
        };
    }
}
