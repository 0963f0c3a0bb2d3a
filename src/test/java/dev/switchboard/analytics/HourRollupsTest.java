package dev.switchboard.analytics;

import static dev.switchboard.common.Sql.ts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ids;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Hourly series come from hour rows where the hour is final and from minute rows for the hour still
 * open: over a range spanning both, every point must equal the minute-level truth (the raw facts'
 * counts, and the p95 of the merged minute sketches within the sketch's accuracy).
 */
class HourRollupsTest extends ServerTest {

    @Autowired
    Rollups rollups;

    @Autowired
    RollupRepository repository;

    private final Random random = new Random(7);

    @Test
    void hourlySeriesOverFinalHoursAndTheCurrentHourEqualTheMinuteLevelTruth() {
        moveClockPastWatermarks();
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String source = api.post(base + "/sources", ADMIN, "{\"name\":\"N\",\"provider\":\"none\"}")
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
        Instant start = clock.instant();
        // Five hours of facts, rolled up as they come, ending inside an hour that is still open.
        for (int step = 0; step < 12; step++) {
            generate(tenant, source, endpoints, 15);
            rollups.catchUp();
            clock.advance(Duration.ofMinutes(25));
        }
        clock.advance(Duration.ofMinutes(
                60 - clock.instant().atZone(java.time.ZoneOffset.UTC).getMinute() + 20));
        generate(tenant, source, endpoints, 15);
        rollups.catchUp();

        Instant now = clock.instant();
        Instant hours = rollups.splits().get(Kind.ENDPOINT).hours();
        Instant from = start.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        assertThat(hours).as("final hours end at the current hour").isEqualTo(now.truncatedTo(ChronoUnit.HOURS));
        assertThat(hourRows(tenant, from, hours))
                .as("hour rows for the final hours")
                .isPositive();
        assertThat(hourRows(tenant, hours, to))
                .as("none for the hour still open")
                .isZero();

        JsonNode byEndpoint = api.get(
                        base + "/analytics?from=" + from + "&to=" + to + "&interval=hour&groupBy=endpoint", ADMIN)
                .json();
        assertThat(byEndpoint.get("interval").asString()).isEqualTo("hour");
        Map<String, Map<Instant, Tally>> truth = minuteTruth(tenant, Kind.ENDPOINT, from, to);
        Map<String, Map<Instant, long[]>> raw = rawAttempts(tenant);
        int points = 0;
        boolean openHourSeen = false;
        for (JsonNode s : byEndpoint.get("series")) {
            String endpoint = s.get("key").asString();
            assertThat(s.get("points").size())
                    .as(
                            "%s: %s against %s (hour rows to %s, start %s)",
                            endpoint, s.get("points"), new TreeMap<>(raw.get(endpoint)).keySet(), hours, start)
                    .isEqualTo(raw.get(endpoint).size());
            for (JsonNode p : s.get("points")) {
                Instant at = Instant.parse(p.get("at").asString());
                JsonNode m = p.get("metrics");
                long[] counts = raw.get(endpoint).get(at);
                assertThat(m.get("attempts").asLong()).as("%s %s", endpoint, at).isEqualTo(counts[0]);
                assertThat(m.get("succeeded").asLong())
                        .as("%s %s", endpoint, at)
                        .isEqualTo(counts[1]);
                Tally t = truth.get(endpoint).get(at);
                assertThat(t.attempts).isEqualTo(counts[0]);
                double p95 = t.deliveryLatency.quantile(0.95);
                assertThat(m.get("latencyP95Ms").asDouble())
                        .as("p95 of %s %s within the sketch's accuracy of the minute rows' merge", endpoint, at)
                        .isCloseTo(p95, org.assertj.core.data.Offset.offset(p95 * 0.02 + 0.01));
                openHourSeen |= !at.isBefore(hours);
                points++;
            }
        }
        assertThat(points).as("points over several hours").isGreaterThan(4);
        assertThat(openHourSeen).as("the open hour is in the series").isTrue();

        // Per source, the received counts of every hour, final or open.
        JsonNode bySource = api.get(
                        base + "/analytics?from=" + from + "&to=" + to + "&interval=hour&groupBy=source", ADMIN)
                .json();
        Map<Instant, Long> received = new TreeMap<>();
        jdbc.sql("SELECT received_at FROM inbound_events WHERE tenant_id = :t")
                .param("t", tenant)
                .query((rs, n) -> dev.switchboard.common.Sql.instant(rs, "received_at"))
                .list()
                .forEach(at -> received.merge(at.truncatedTo(ChronoUnit.HOURS), 1L, Long::sum));
        Map<Instant, Long> reported = new TreeMap<>();
        for (JsonNode p : bySource.get("series").get(0).get("points")) {
            reported.put(
                    Instant.parse(p.get("at").asString()),
                    p.get("metrics").get("received").asLong());
        }
        assertThat(reported).isEqualTo(received);

        // After the upgrade that added hour rows, none are built: the job builds them from the minute
        // rows still held, and the series is the same.
        // (Outbound's only: the backfill reaches back to the oldest minute row of the whole suite.)
        jdbc.sql("UPDATE analytics_watermarks SET hour_rows_to = NULL WHERE stream = 'outbound'")
                .update();
        jdbc.sql("DELETE FROM analytics_rollups WHERE grain = 'hour' AND kind = 'endpoint'")
                .update();
        rollups.catchUp();
        assertThat(rollups.splits().get(Kind.ENDPOINT).hours()).isEqualTo(hours);
        assertThat(api.get(base + "/analytics?from=" + from + "&to=" + to + "&interval=hour&groupBy=endpoint", ADMIN)
                        .json())
                .isEqualTo(byEndpoint);
    }

    private long hourRows(String tenant, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT count(*) FROM analytics_rollups
                WHERE tenant_id = :t AND grain = 'hour' AND bucket >= :f AND bucket < :to
                """)
                .param("t", tenant)
                .param("f", ts(from))
                .param("to", ts(to))
                .query(Long.class)
                .single();
    }

    /** The minute rows merged per subject and hour, straight from the table. */
    private Map<String, Map<Instant, Tally>> minuteTruth(String tenant, Kind kind, Instant from, Instant to) {
        Map<String, Map<Instant, Tally>> out = new HashMap<>();
        repository.forEach(
                RollupRepository.Grain.MINUTE,
                tenant,
                java.util.Set.of(kind),
                from,
                to,
                k -> out.computeIfAbsent(k.subjectId(), x -> new HashMap<>())
                        .computeIfAbsent(k.bucket().truncatedTo(ChronoUnit.HOURS), x -> new Tally()));
        return out;
    }

    /** Per endpoint and hour: attempts and successes, from the raw table. */
    private Map<String, Map<Instant, long[]>> rawAttempts(String tenant) {
        Map<String, Map<Instant, long[]>> out = new HashMap<>();
        jdbc.sql("SELECT endpoint_id, attempted_at, outcome FROM delivery_attempts WHERE tenant_id = :t")
                .param("t", tenant)
                .query(rs -> {
                    long[] c = out.computeIfAbsent(rs.getString("endpoint_id"), x -> new HashMap<>())
                            .computeIfAbsent(
                                    dev.switchboard.common.Sql.instant(rs, "attempted_at")
                                            .truncatedTo(ChronoUnit.HOURS),
                                    x -> new long[2]);
                    c[0]++;
                    if ("SUCCESS".equals(rs.getString("outcome"))) c[1]++;
                });
        return out;
    }

    /** {@code n} events, each with a message, a delivery and one to three attempts, in the last two minutes. */
    private void generate(String tenant, String source, List<String> endpoints, int n) {
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
            Instant at = now.minusMillis(random.nextInt(120_000));
            String id = Ids.next("evt");
            jdbc.sql("""
                    INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                        headers, body_size, verification, status, attempts, runs)
                    VALUES (:id, :t, :s, 'none', :id, 'x.y', :at, '{}', 0, 'none', 'processed', 1, 1)
                    """)
                    .param("id", id)
                    .param("t", tenant)
                    .param("s", source)
                    .param("at", ts(at))
                    .update();
            String message = Ids.next("msg");
            jdbc.sql("""
                    INSERT INTO messages (id, tenant_id, event_type, payload, created_at, provider)
                    VALUES (:id, :t, 'x.y', :payload, :at, 'none')
                    """)
                    .param("id", message)
                    .param("t", tenant)
                    .param("payload", "{}".getBytes())
                    .param("at", ts(at))
                    .update();
            String endpoint = endpoints.get(random.nextInt(endpoints.size()));
            String delivery = Ids.next("dlv");
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
                        .param("id", Ids.next("att"))
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
