package dev.switchboard.analytics;

import static dev.switchboard.common.Sql.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Analytics against the raw tables: a generated workload (real webhooks and deliveries through the
 * server, plus generated rows over three days of moved clock), rolled up by the real job, must give
 * the counts a direct GROUP BY over the raw tables gives, and a p95 within the sketch's accuracy;
 * also after a run that dies halfway through writing its rows.
 */
class AnalyticsTest extends ServerTest {

    @Autowired
    Rollups rollups;

    @Autowired
    RollupRepository repository;

    private final Random random = new Random(42);

    /** Connections the generated calls use (the call log has no foreign key to connections); null: none. */
    private static final List<String> CONNECTIONS = java.util.Arrays.asList("con_a", "con_b", null);

    @Test
    void rollupsEqualADirectCountOverTheRawTablesEvenAfterACrash() {
        moveClockPastWatermarks();
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        var token = api.post(
                        base + "/sources",
                        ADMIN,
                        "{\"name\":\"T\",\"provider\":\"token\",\"options\":{\"idHeader\":\"X-Event-Id\"}}")
                .json();
        String tokenSource = token.get("id").asString();
        String secret = token.get("secret").asString();
        String noneSource = api.post(base + "/sources", ADMIN, "{\"name\":\"N\",\"provider\":\"none\"}")
                .json()
                .get("id")
                .asString();
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            endpoints.add(api.post(base + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/h\",\"disabled\":true}")
                    .json()
                    .get("id")
                    .asString());
        }

        // Real traffic through the ingest URL: accepted, duplicate, rejected.
        assertThat(ingest(tokenSource, secret, "e-1").status()).isEqualTo(200);
        assertThat(ingest(tokenSource, secret, "e-1").json().get("duplicate").asBoolean())
                .isTrue();
        assertThat(ingest(tokenSource, "wrong", "e-2").status()).isEqualTo(401);

        // Then eight steps of generated rows, seven hours apart: three days of facts.
        for (int step = 0; step < 8; step++) {
            generate(tenant, Map.of(tokenSource, "token", noneSource, "none"), endpoints, 40);
            rollups.catchUp();
            clock.advance(Duration.ofHours(7));
        }
        rollups.catchUp();
        assertMatchesRawTables(tenant);

        // A run that dies after writing its first rows leaves nothing half-done: the next one is right.
        generate(tenant, Map.of(tokenSource, "token", noneSource, "none"), endpoints, 40);
        AtomicInteger written = new AtomicInteger();
        assertThatThrownBy(() -> rollups.runOnce(n -> {
                    written.set(n);
                    throw new IllegalStateException("crash injected after " + n + " rows");
                }))
                .hasMessageContaining("crash injected");
        assertThat(written.get()).isPositive();
        rollups.catchUp();
        assertMatchesRawTables(tenant);
    }

    @Autowired
    AnalyticsRetention retention;

    @Autowired
    AnalyticsProperties properties;

    @Test
    void minuteRowsArePurgedAfterTheirRetentionWhileDayRowsStayAndStillAddUp() {
        moveClockPastWatermarks();
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String source = api.post(base + "/sources", ADMIN, "{\"name\":\"N\",\"provider\":\"none\"}")
                .json()
                .get("id")
                .asString();
        String endpoint = api.post(base + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/h\",\"disabled\":true}")
                .json()
                .get("id")
                .asString();
        // The facts are generated up to two minutes before "now", so when "now" is early in a day some
        // fall on the day before, and the ranges asked for below must start on that day. They once
        // started on now's day, and this test failed whenever the shared, moved clock happened to be in
        // the first two minutes of a day. It now always is: 90 s past midnight, so that both days count.
        Instant now = clock.instant();
        clock.advance(Duration.between(
                now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plusSeconds(90)));
        Instant start = clock.instant();
        generate(tenant, Map.of(source, "none"), List.of(endpoint), 30);
        rollups.catchUp();
        assertThat(rows(tenant, "minute")).isPositive();
        // Today is still open: its day comes from minute rows, no day row is written yet.
        assertThat(rows(tenant, "day")).isZero();

        // Fifteen days on: put the shared clock back afterwards, so later classes see real time again
        // (this class moves it past the rollup watermarks before each test).
        try {
            clock.advance(properties.minuteRetention().plus(Duration.ofDays(1)));
            rollups.catchUp();
            assertThat(rows(tenant, "day"))
                    .as("the day is final: its rows are built")
                    .isPositive();
            // The server's own rollup and retention loops run beside this test on the same clock; a run
            // of theirs that began before the clock moved may still hold a watermark back for a moment.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        rollups.catchUp();
                        retention.run(1_000);
                        assertThat(rows(tenant, "minute"))
                                .as("minute rows past their retention (final before: %s)", rollups.splits())
                                .isZero();
                    });

            Instant from = start.minus(GENERATED_SPAN).truncatedTo(ChronoUnit.DAYS);
            String range = "?from=" + from + "&to=" + from.plus(Duration.ofDays(2));
            JsonNode daily = api.get(base + "/analytics" + range + "&interval=day&groupBy=endpoint", ADMIN)
                    .json();
            assertThat(daily.get("totals").get("received").asLong()).isZero();
            assertThat(daily.get("totals").get("attempts").asLong()).isEqualTo(count("delivery_attempts", tenant));
            assertThat(api.get(base + "/analytics" + range + "&groupBy=source", ADMIN)
                            .json()
                            .get("totals")
                            .get("received")
                            .asLong())
                    .as("an old range defaults to daily")
                    .isEqualTo(count("inbound_events", tenant));
            // Hour rows outlive minute rows: the hourly series of those days still adds up.
            var hourly = api.get(base + "/analytics" + range + "&interval=hour&groupBy=endpoint", ADMIN);
            assertThat(hourly.status()).isEqualTo(200);
            assertThat(hourly.json().get("totals").get("attempts").asLong())
                    .isEqualTo(count("delivery_attempts", tenant));
            var tooOld = api.get(
                    base + "/analytics?from="
                            + clock.instant().minus(properties.hourRetention().plusDays(1))
                            + "&to="
                            + clock.instant().minus(properties.hourRetention().minusDays(1))
                            + "&interval=hour",
                    ADMIN);
            assertThat(tooOld.status()).as("older than the hour retention").isEqualTo(400);
            assertThat(tooOld.body()).contains("\"interval\"");
            assertThat(retention.run(1_000))
                    .as("the day rows are kept: nothing more to purge of anyone's")
                    .isZero();
        } finally {
            clock.reset();
        }
    }

    private long rows(String tenant, String grain) {
        return jdbc.sql("SELECT count(*) FROM analytics_rollups WHERE tenant_id = :t AND grain = :g")
                .param("t", tenant)
                .param("g", grain)
                .query(Long.class)
                .single();
    }

    @Test
    void badQueriesAre400sNamingTheField() {
        String tenant = newTenant();
        String path = "/api/v1/tenants/" + tenant + "/analytics";
        Map<String, String> bad = new TreeMap<>(Map.of(
                "?range=year", "range",
                "?range=week&from=2026-01-01T00:00:00Z", "range",
                "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to",
                "?from=yesterday&to=2026-01-01T00:00:00Z", "from",
                "?to=2026-01-01T00:00:00Z", "from",
                "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from",
                "?range=week&groupBy=tenant", "groupBy",
                "?range=week&interval=minute", "interval",
                "?range=quarter&interval=hour&from=x", "range",
                "?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z&interval=hour", "interval"));
        bad.forEach((query, field) -> {
            var r = api.get(path + query, ADMIN);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body()).as(query).contains("\"" + field + "\"");
        });
        var ok = api.get(path + "?range=quarter&groupBy=endpoint", newKey(tenant, "viewer"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("interval").asString()).isEqualTo("day");
        assertThat(ok.json().get("series")).isEmpty();
        assertThat(api.get(path + "?range=week&type=x&from=", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/activity?type=nothing", ADMIN)
                        .body())
                .contains("\"type\"");
    }

    private void assertMatchesRawTables(String tenant) {
        Instant now = clock.instant();
        Instant from = now.minus(Duration.ofDays(5)).truncatedTo(ChronoUnit.DAYS);
        Instant to = now.plus(Duration.ofDays(1));
        String base = "/api/v1/tenants/" + tenant + "/analytics?from=" + from + "&to=" + to;
        for (String interval : List.of("hour", "day")) {
            JsonNode bySource = api.get(base + "&groupBy=source&interval=" + interval, ADMIN)
                    .json();
            JsonNode byEndpoint = api.get(base + "&groupBy=endpoint&interval=" + interval, ADMIN)
                    .json();
            JsonNode byProvider = api.get(base + "&groupBy=provider&interval=" + interval, ADMIN)
                    .json();
            JsonNode byConnection = api.get(base + "&groupBy=connection&interval=" + interval, ADMIN)
                    .json();
            // Per source: received, rejected, duplicates.
            Map<String, long[]> sources = new TreeMap<>();
            raw(
                            "SELECT source_id AS k, count(*) AS n FROM inbound_events WHERE tenant_id = :t GROUP BY source_id",
                            tenant)
                    .forEach((k, n) -> sources.computeIfAbsent(k, x -> new long[3])[0] = n);
            raw(
                            "SELECT source_id AS k, count(*) AS n FROM inbound_rejections WHERE tenant_id = :t GROUP BY source_id",
                            tenant)
                    .forEach((k, n) -> sources.computeIfAbsent(k, x -> new long[3])[1] = n);
            raw(
                            "SELECT source_id AS k, count(*) AS n FROM inbound_duplicates WHERE tenant_id = :t GROUP BY source_id",
                            tenant)
                    .forEach((k, n) -> sources.computeIfAbsent(k, x -> new long[3])[2] = n);
            Map<String, long[]> reported = new TreeMap<>();
            for (JsonNode s : bySource.get("series")) {
                JsonNode t = s.get("totals");
                reported.put(s.get("key").asString(), new long[] {
                    t.get("received").asLong(),
                    t.get("rejected").asLong(),
                    t.get("duplicates").asLong()
                });
                long points = 0;
                for (JsonNode p : s.get("points"))
                    points += p.get("metrics").get("received").asLong();
                assertThat(points).isEqualTo(t.get("received").asLong());
            }
            assertThat(reported).as(interval).usingRecursiveComparison().isEqualTo(sources);

            // Per endpoint: attempts, succeeded, average and p95 latency.
            for (JsonNode s : byEndpoint.get("series")) {
                String endpoint = s.get("key").asString();
                JsonNode t = s.get("totals");
                List<Integer> latencies = jdbc.sql(
                                "SELECT latency_ms FROM delivery_attempts WHERE tenant_id = :t AND endpoint_id = :e ORDER BY latency_ms")
                        .param("t", tenant)
                        .param("e", endpoint)
                        .query(Integer.class)
                        .list();
                long ok = jdbc.sql(
                                "SELECT count(*) FROM delivery_attempts WHERE tenant_id = :t AND endpoint_id = :e AND outcome = 'SUCCESS'")
                        .param("t", tenant)
                        .param("e", endpoint)
                        .query(Long.class)
                        .single();
                assertThat(t.get("attempts").asLong()).isEqualTo(latencies.size());
                assertThat(t.get("succeeded").asLong()).isEqualTo(ok);
                assertThat(t.get("failed").asLong()).isEqualTo(latencies.size() - ok);
                double avg =
                        latencies.stream().mapToInt(Integer::intValue).average().orElseThrow();
                assertThat(t.get("latencyAvgMs").asDouble()).isCloseTo(avg, org.assertj.core.data.Offset.offset(0.01));
                double p95 = latencies.get((int) Math.ceil(0.95 * (latencies.size() - 1)));
                double lower = latencies.get((int) Math.floor(0.95 * (latencies.size() - 1)));
                assertThat(t.get("latencyP95Ms").asDouble())
                        .as("p95 within the sketch's 1 %% of the exact value")
                        .isBetween(lower * 0.98 - 1, p95 * 1.02 + 1);
            }
            assertThat(byEndpoint.get("totals").get("attempts").asLong()).isEqualTo(count("delivery_attempts", tenant));

            // Per provider: inbound by the source's provider, attempts by the message's.
            Map<String, Long> received = raw(
                    "SELECT provider AS k, count(*) AS n FROM inbound_events WHERE tenant_id = :t GROUP BY provider",
                    tenant);
            Map<String, Long> attempts = raw("""
                    SELECT COALESCE(m.provider, '') AS k, count(*) AS n FROM delivery_attempts a
                    JOIN messages m ON m.id = a.message_id WHERE a.tenant_id = :t GROUP BY COALESCE(m.provider, '')
                    """, tenant);
            for (JsonNode p : byProvider.get("providers")) {
                String key = p.get("provider").isNull() ? "" : p.get("provider").asString();
                assertThat(p.get("received").asLong()).as(key).isEqualTo(received.getOrDefault(key, 0L));
                assertThat(p.get("attempts").asLong()).as(key).isEqualTo(attempts.getOrDefault(key, 0L));
            }
            assertThat(byProvider.get("totals").get("received").asLong()).isEqualTo(count("inbound_events", tenant));

            // Per connection: provider calls by status class, average and p95 latency.
            assertCallsMatch(tenant, byConnection, byProvider, interval);
            assertThat(byProvider.get("totals").get("successRate").isNull()).isFalse();
        }
    }

    private void assertCallsMatch(String tenant, JsonNode byConnection, JsonNode byProvider, String interval) {
        Map<String, long[]> raw = new TreeMap<>();
        jdbc.sql("""
                SELECT COALESCE(connection_id, '') AS k, count(*) AS n,
                    sum(CASE WHEN status >= 200 AND status < 300 THEN 1 ELSE 0 END) AS s2,
                    sum(CASE WHEN status >= 300 AND status < 400 THEN 1 ELSE 0 END) AS s3,
                    sum(CASE WHEN status >= 400 AND status < 500 THEN 1 ELSE 0 END) AS s4,
                    sum(CASE WHEN status >= 500 THEN 1 ELSE 0 END) AS s5,
                    sum(CASE WHEN status IS NULL OR status < 200 THEN 1 ELSE 0 END) AS se
                FROM provider_calls WHERE tenant_id = :t GROUP BY COALESCE(connection_id, '')
                """).param("t", tenant).query(rs -> {
            raw.put(rs.getString("k"), new long[] {
                rs.getLong("n"),
                rs.getLong("s2"),
                rs.getLong("s3"),
                rs.getLong("s4"),
                rs.getLong("s5"),
                rs.getLong("se")
            });
        });
        assertThat(raw).as("the workload makes calls").isNotEmpty();
        Map<String, long[]> reported = new TreeMap<>();
        for (JsonNode s : byConnection.get("series")) {
            JsonNode t = s.get("totals");
            String connection = s.get("key").isNull() ? "" : s.get("key").asString();
            reported.put(connection, new long[] {
                t.get("calls").asLong(),
                t.get("calls2xx").asLong(),
                t.get("calls3xx").asLong(),
                t.get("calls4xx").asLong(),
                t.get("calls5xx").asLong(),
                t.get("callErrors").asLong()
            });
            List<Long> latencies = jdbc.sql(
                            "SELECT latency_ms FROM provider_calls WHERE tenant_id = :t AND COALESCE(connection_id, '') = :c ORDER BY latency_ms")
                    .param("t", tenant)
                    .param("c", connection)
                    .query(Long.class)
                    .list();
            double avg = latencies.stream().mapToLong(Long::longValue).average().orElseThrow();
            assertThat(t.get("callLatencyAvgMs").asDouble()).isCloseTo(avg, org.assertj.core.data.Offset.offset(0.01));
            double p95 = latencies.get((int) Math.ceil(0.95 * (latencies.size() - 1)));
            double lower = latencies.get((int) Math.floor(0.95 * (latencies.size() - 1)));
            assertThat(t.get("callLatencyP95Ms").asDouble())
                    .as("call p95 within the sketch's 1 %% of the exact value")
                    .isBetween(lower * 0.98 - 1, p95 * 1.02 + 1);
            long points = 0;
            for (JsonNode p : s.get("points"))
                points += p.get("metrics").get("calls").asLong();
            assertThat(points).isEqualTo(t.get("calls").asLong());
        }
        assertThat(reported).as(interval).usingRecursiveComparison().isEqualTo(raw);
        Map<String, Long> perProvider = raw(
                "SELECT COALESCE(provider, '') AS k, count(*) AS n FROM provider_calls WHERE tenant_id = :t GROUP BY COALESCE(provider, '')",
                tenant);
        Map<String, Long> reportedPerProvider = new TreeMap<>();
        for (JsonNode p : byProvider.get("providers")) {
            if (p.get("calls").asLong() == 0) continue;
            reportedPerProvider.put(
                    p.get("provider").isNull() ? "" : p.get("provider").asString(),
                    p.get("calls").asLong());
        }
        assertThat(reportedPerProvider).as(interval).isEqualTo(perProvider);
        assertThat(byProvider.get("totals").get("calls").asLong()).isEqualTo(count("provider_calls", tenant));
    }

    private Map<String, Long> raw(String sql, String tenant) {
        Map<String, Long> out = new TreeMap<>();
        jdbc.sql(sql).param("t", tenant).query(rs -> {
            out.put(rs.getString("k"), rs.getLong("n"));
        });
        return out;
    }

    private long count(String table, String tenant) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    private dev.switchboard.testing.Api.Response ingest(String source, String secret, String id) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + source))
                .header("Authorization", "Bearer " + secret)
                .header("X-Event-Id", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"order.created\"}"))
                .build());
    }

    /** {@code n} of each kind of fact, at times in the last two minutes. */
    /** How far before the clock's "now" {@link #generate} places its facts. */
    private static final Duration GENERATED_SPAN = Duration.ofMinutes(2);

    private void generate(String tenant, Map<String, String> sources, List<String> endpoints, int n) {
        Instant now = clock.instant();
        List<String> sourceIds = new ArrayList<>(sources.keySet());
        for (int i = 0; i < n; i++) {
            String source = sourceIds.get(random.nextInt(sourceIds.size()));
            Instant at = now.minusMillis(random.nextInt((int) GENERATED_SPAN.toMillis()));
            String id = dev.switchboard.common.Ids.next("evt");
            jdbc.sql("""
                    INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                        headers, body_size, verification, status, attempts, runs)
                    VALUES (:id, :t, :s, :p, :id, 'x.y', :at, '{}', 0, 'none', 'processed', 1, 1)
                    """)
                    .param("id", id)
                    .param("t", tenant)
                    .param("s", source)
                    .param("p", sources.get(source))
                    .param("at", ts(at))
                    .update();
            if (random.nextInt(4) == 0) {
                jdbc.sql("""
                        INSERT INTO inbound_duplicates (id, tenant_id, source_id, event_id, received_at)
                        VALUES (:id, :t, :s, :e, :at)
                        """)
                        .param("id", dev.switchboard.common.Ids.next("dup"))
                        .param("t", tenant)
                        .param("s", source)
                        .param("e", id)
                        .param("at", ts(at.plusMillis(random.nextInt(1000))))
                        .update();
            }
            if (random.nextInt(5) == 0) {
                jdbc.sql("""
                        INSERT INTO inbound_rejections (id, tenant_id, source_id, received_at, code, reason, headers, body_size)
                        VALUES (:id, :t, :s, :at, 'signature_invalid', 'r', '{}', 0)
                        """)
                        .param("id", dev.switchboard.common.Ids.next("rej"))
                        .param("t", tenant)
                        .param("s", source)
                        .param("at", ts(at))
                        .update();
            }
            if (random.nextInt(2) == 0) {
                int pick = random.nextInt(10);
                Integer status = switch (pick) {
                    case 0 -> null;
                    case 1 -> 302;
                    case 2 -> 404;
                    case 3 -> 503;
                    default -> 200;
                };
                jdbc.sql("""
                        INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                            latency_ms, request_bytes, response_bytes, error, called_at)
                        VALUES (:id, :t, :c, :p, 'proxy', 'GET', '/v1/x', :s, :l, 0, 0, :e, :at)
                        """)
                        .param("id", dev.switchboard.common.Ids.next("call"))
                        .param("t", tenant)
                        .param("c", CONNECTIONS.get(random.nextInt(CONNECTIONS.size())))
                        .param("p", random.nextBoolean() ? "github" : "slack")
                        .param("s", status)
                        .param("l", 1 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 600))
                        .param("e", status == null ? "timeout" : null)
                        .param("at", ts(at.plusMillis(random.nextInt(2000))))
                        .update();
            }
            String message = dev.switchboard.common.Ids.next("msg");
            jdbc.sql("""
                    INSERT INTO messages (id, tenant_id, event_type, payload, created_at, provider)
                    VALUES (:id, :t, 'x.y', :payload, :at, :p)
                    """)
                    .param("id", message)
                    .param("t", tenant)
                    .param("payload", "{}".getBytes())
                    .param("at", ts(at))
                    .param("p", random.nextBoolean() ? sources.get(source) : null)
                    .update();
            String endpoint = endpoints.get(random.nextInt(endpoints.size()));
            String delivery = dev.switchboard.common.Ids.next("dlv");
            jdbc.sql("""
                    INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts, created_at, updated_at)
                    VALUES (:id, :t, :m, :e, 'succeeded', 1, :at, :at)
                    """)
                    .param("id", delivery)
                    .param("t", tenant)
                    .param("m", message)
                    .param("e", endpoint)
                    .param("at", ts(at))
                    .update();
            for (int a = 0, tries = 1 + random.nextInt(3); a < tries; a++) {
                boolean last = a == tries - 1;
                jdbc.sql("""
                        INSERT INTO delivery_attempts (id, tenant_id, delivery_id, message_id, endpoint_id, attempted_at,
                            outcome, status_code, latency_ms)
                        VALUES (:id, :t, :d, :m, :e, :at, :o, :c, :l)
                        """)
                        .param("id", dev.switchboard.common.Ids.next("att"))
                        .param("t", tenant)
                        .param("d", delivery)
                        .param("m", message)
                        .param("e", endpoint)
                        .param("at", ts(at.plusMillis(a * 500L)))
                        .param("o", last ? "SUCCESS" : "UNAVAILABLE")
                        .param("c", last ? 200 : 503)
                        .param("l", 1 + random.nextInt(random.nextInt(10) == 0 ? 30_000 : 800))
                        .update();
            }
        }
    }

    /** Earlier tests may have moved the shared clock on and back: start after every watermark. */
    private void moveClockPastWatermarks() {
        for (String stream : List.of("inbound", "outbound", "calls")) {
            Instant mark = repository.watermark(stream);
            Instant now = clock.instant();
            if (mark != null && mark.isAfter(now.minus(Duration.ofMinutes(1)))) {
                clock.advance(Duration.between(now, mark).plus(Duration.ofMinutes(10)));
            }
        }
    }
}
