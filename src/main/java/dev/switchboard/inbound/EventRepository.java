package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import dev.switchboard.common.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class EventRepository {

    /** The filters of the events API; null means "any". {@code tenantId} null only for platform admins. */
    record Filter(
            String tenantId,
            String sourceId,
            String provider,
            String type,
            String subject,
            String userId,
            String status,
            Instant since,
            Instant until,
            String canonicalType) {

        Filter(
                String tenantId,
                String sourceId,
                String provider,
                String type,
                String subject,
                String userId,
                String status,
                Instant since,
                Instant until) {
            this(tenantId, sourceId, provider, type, subject, userId, status, since, until, null);
        }
    }

    record Summary(Map<String, Long> providers, Map<String, Long> types) {}

    record Raw(byte[] body, String contentType, Instant purgedAt) {}

    record Run(int run, String reason, String outcome, String error, Instant finishedAt) {}

    private static final String COLUMNS = """
            id, tenant_id, source_id, provider, dedupe_key, provider_event_id, event_type, subject, user_id,
            provider_time, received_at, content_type, headers, body_size, body_purged_at, verification, status, attempts, runs, next_attempt_at,
            last_error, processed_at, canonical_type, remote_addr""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final JsonMapper json;
    private final Claims claims;
    private final RowMapper<EventRow> row;

    EventRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batches, JsonMapper json, Claims claims) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.claims = claims;
        this.json = json;
        TypeReference<Map<String, String>> headersType = new TypeReference<>() {};
        this.row = (rs, n) -> new EventRow(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("source_id"),
                Provider.fromWire(rs.getString("provider")),
                rs.getString("dedupe_key"),
                rs.getString("provider_event_id"),
                rs.getString("event_type"),
                rs.getString("subject"),
                rs.getString("user_id"),
                instant(rs, "provider_time"),
                instant(rs, "received_at"),
                rs.getString("content_type"),
                json.readValue(rs.getString("headers"), headersType),
                rs.getInt("body_size"),
                instant(rs, "body_purged_at"),
                rs.getString("verification"),
                rs.getString("status"),
                rs.getInt("attempts"),
                rs.getInt("runs"),
                instant(rs, "next_attempt_at"),
                rs.getString("last_error"),
                instant(rs, "processed_at"),
                rs.getString("canonical_type"),
                rs.getString("remote_addr"));
    }

    /**
     * A new event's columns and values, due for processing now (or, {@code ignored}, never due), in its first run: the one place that
     * lists them, for the single-row insert and the batches of {@link #insertNew}.
     */
    Map<String, Object> newRow(EventRow e, byte[] body) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("tenant_id", e.tenantId());
        v.put("source_id", e.sourceId());
        v.put("provider", e.provider().wire());
        v.put("dedupe_key", e.dedupeKey());
        v.put("provider_event_id", e.providerEventId());
        v.put("event_type", e.type());
        v.put("subject", e.subject());
        v.put("provider_time", ts(e.providerTime()));
        v.put("received_at", ts(e.receivedAt()));
        v.put("content_type", e.contentType());
        v.put("headers", Headers.toJson(json, e.headers()));
        v.put("body", body);
        v.put("body_size", body.length);
        v.put("verification", e.verification());
        v.put("status", e.status());
        v.put("attempts", 0);
        v.put("runs", 1);
        v.put("next_attempt_at", ts(e.nextAttemptAt()));
        v.put("canonical_type", e.canonicalType());
        v.put("remote_addr", e.remoteAddr());
        return v;
    }

    /** Stores a new event (see {@link #newRow}). False when the source already has this dedupe key. */
    boolean insert(EventRow e, byte[] body) {
        Map<String, Object> v = newRow(e, body);
        return jdbc.sql("INSERT INTO inbound_events (" + String.join(", ", v.keySet()) + ") VALUES (:"
                                + String.join(", :", v.keySet()) + ") ON CONFLICT DO NOTHING")
                        .params(v)
                        .update()
                == 1;
    }

    /**
     * Stores new events in one statement, inside the caller's transaction; for each, whether it went
     * in (false: its source already has its dedupe key). No two may share a source and dedupe key.
     */
    boolean[] insertNew(List<Map<String, Object>> rows) {
        return claims.insertNew("inbound_events", rows);
    }

    Optional<String> idByDedupeKey(String sourceId, String dedupeKey) {
        return jdbc.sql("SELECT id FROM inbound_events WHERE source_id = :source AND dedupe_key = :key")
                .param("source", sourceId)
                .param("key", dedupeKey)
                .query(String.class)
                .optional();
    }

    /** One event; {@code tenantId} null for platform admins, who see every tenant's. */
    Optional<EventRow> find(String tenantId, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM inbound_events WHERE id = :id"
                        + (tenantId == null ? "" : " AND tenant_id = :tenant"))
                .params(tenantId == null ? Map.of("id", id) : Map.of("id", id, "tenant", tenantId))
                .query(row)
                .optional();
    }

    Optional<Raw> raw(String tenantId, String id) {
        return jdbc.sql("SELECT body, content_type, body_purged_at FROM inbound_events WHERE id = :id"
                        + (tenantId == null ? "" : " AND tenant_id = :tenant"))
                .params(tenantId == null ? Map.of("id", id) : Map.of("id", id, "tenant", tenantId))
                .query((rs, n) ->
                        new Raw(rs.getBytes("body"), rs.getString("content_type"), instant(rs, "body_purged_at")))
                .optional();
    }

    byte[] body(String id) {
        return jdbc.sql("SELECT body FROM inbound_events WHERE id = :id")
                .param("id", id)
                .query(byte[].class)
                .optional()
                .orElse(null);
    }

    /** Newest first. */
    List<EventRow> search(Filter f, PageRequest page) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(f, params).toString();
        return page.select(jdbc, "SELECT " + COLUMNS + " FROM inbound_events WHERE " + where, "received_at")
                .params(params)
                .query(row)
                .list();
    }

    long count(Filter f) {
        Map<String, Object> params = new LinkedHashMap<>();
        return jdbc.sql("SELECT count(*) FROM inbound_events WHERE " + where(f, params))
                .params(params)
                .query(Long.class)
                .single();
    }

    /** The oldest {@code limit} events of a filter after (afterAt, afterId) (both null: from the first). */
    List<EventRow> oldestAfter(Filter f, Instant afterAt, String afterId, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = where(f, params);
        if (afterAt != null) {
            where.append(" AND (received_at > :afterAt OR (received_at = :afterAt AND id > :afterId))");
            params.put("afterAt", ts(afterAt));
            params.put("afterId", afterId);
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM inbound_events WHERE " + where
                        + " ORDER BY received_at, id LIMIT :limit")
                .params(params)
                .param("limit", limit)
                .query(row)
                .list();
    }

    /** A new processing run for each of these events of the tenant (as {@link #replay} does one). */
    int replayAll(String tenantId, List<String> ids, Instant now) {
        if (ids.isEmpty()) return 0;
        return jdbc.sql("""
                        UPDATE inbound_events
                        SET status = 'received', attempts = 0, runs = runs + 1, next_attempt_at = :now,
                            locked_until = NULL, last_error = NULL, processed_at = NULL
                        WHERE tenant_id = :tenant AND id IN (:ids)
                        """)
                .param("tenant", tenantId)
                .param("ids", ids)
                .param("now", ts(now))
                .update();
    }

    /** Counts by provider and by type over the same filter (all pages). */
    Summary summary(Filter f) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(f, params).toString();
        Map<String, Long> providers = new LinkedHashMap<>();
        jdbc.sql("SELECT provider, count(*) AS n FROM inbound_events WHERE " + where
                        + " GROUP BY provider ORDER BY provider")
                .params(params)
                .query(rs -> {
                    providers.put(rs.getString("provider"), rs.getLong("n"));
                });
        Map<String, Long> types = new LinkedHashMap<>();
        jdbc.sql("SELECT event_type, count(*) AS n FROM inbound_events WHERE " + where
                        + " GROUP BY event_type ORDER BY event_type")
                .params(params)
                .query(rs -> {
                    types.put(rs.getString("event_type"), rs.getLong("n"));
                });
        return new Summary(providers, types);
    }

    private static StringBuilder where(Filter f, Map<String, Object> params) {
        StringBuilder w = new StringBuilder("1 = 1");
        add(w, params, "tenant_id", "tenant", f.tenantId());
        add(w, params, "source_id", "source", f.sourceId());
        add(w, params, "provider", "provider", f.provider());
        add(w, params, "event_type", "type", f.type());
        add(w, params, "subject", "subject", f.subject());
        add(w, params, "user_id", "userId", f.userId());
        add(w, params, "status", "status", f.status());
        add(w, params, "canonical_type", "canonicalType", f.canonicalType());
        if (f.since() != null) {
            w.append(" AND received_at >= :since");
            params.put("since", ts(f.since()));
        }
        if (f.until() != null) {
            w.append(" AND received_at < :until");
            params.put("until", ts(f.until()));
        }
        return w;
    }

    private static void add(StringBuilder w, Map<String, Object> params, String column, String name, String value) {
        if (value == null) return;
        w.append(" AND ").append(column).append(" = :").append(name);
        params.put(name, value);
    }

    /** Routes an event again: a new run, due now. False when there is no such event. */
    boolean replay(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE inbound_events
                        SET status = 'received', attempts = 0, runs = runs + 1, next_attempt_at = :now,
                            locked_until = NULL, last_error = NULL, processed_at = NULL
                        WHERE id = :id AND tenant_id = :tenant
                        """)
                        .param("id", id)
                        .param("tenant", tenantId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * What processing claims: received events that are due and not leased. Each claim counts an
     * attempt, which with the run is the claim's fencing token: (runs, attempts) only ever changes
     * forward, by a claim or by a replay.
     */
    static final Claims.Claim DUE = new Claims.Claim(
            "inbound_events",
            "status = 'received' AND next_attempt_at <= :now AND next_attempt_at >= :floor"
                    + " AND (locked_until IS NULL OR locked_until <= :now)",
            "next_attempt_at",
            "locked_until = :lease, attempts = attempts + 1");

    /** Claims up to {@code limit} due events for {@code lease}; returns their ids. */
    List<String> claimDue(Instant now, Instant floor, Duration lease, int limit) {
        return claims.claim(DUE, claimParams(now, floor, lease), limit);
    }

    private static Map<String, Object> claimParams(Instant now, Instant floor, Duration lease) {
        return Map.of("now", ts(now), "floor", ts(floor), "lease", ts(now.plus(lease)));
    }

    /** When the oldest event waiting to be processed (leased or not) is due: see {@link dev.switchboard.common.QueueFloor}. */
    Optional<Instant> oldestReceived() {
        return claims.earliest("inbound_events", "status = 'received'", "next_attempt_at");
    }

    /** A claimed event as its claim left it (attempt counted), and its body (null once purged). */
    record Claimed(EventRow row, byte[] body) {}

    /** What {@link #claimDueEvents} returns of each event. */
    static final String CLAIMED_COLUMNS = COLUMNS + ", body";

    /**
     * Claims as {@link #claimDue} does and returns the events with their bodies, in no particular
     * order: on PostgreSQL the claim's one statement returns them, so a batch reads nothing more.
     */
    List<Claimed> claimDueEvents(Instant now, Instant floor, Duration lease, int limit) {
        return claims.claimRows(
                DUE,
                claimParams(now, floor, lease),
                limit,
                CLAIMED_COLUMNS,
                (rs, n) -> new Claimed(row.mapRow(rs, n), rs.getBytes("body")));
    }

    /*
     * The writes that follow a claim name the row by its primary key and the claim's token, and
     * nothing else: neither column of the token leads an index, so the primary key is the only index
     * that can serve them, whatever the planner knows of the table (a status condition here once made
     * a generic plan scan the whole due queue for each update).
     */

    static final String MARK_PROCESSED = """
            UPDATE inbound_events
            SET status = 'processed', user_id = :userId, processed_at = :now, locked_until = NULL,
                next_attempt_at = NULL, last_error = NULL
            WHERE id = :id AND runs = :runs AND attempts = :attempts
            """;

    /**
     * Ends a run as processed (with the user the subject maps to) and records it. False when the
     * claim is no longer this one (its lease ended and another node claimed it, or it was replayed):
     * then nothing was written, and the caller must roll back what it did.
     */
    boolean markProcessed(EventRow e, String userId, Instant now) {
        int n = jdbc.sql(MARK_PROCESSED)
                .param("id", e.id())
                .param("userId", userId)
                .param("now", ts(now))
                .param("runs", e.runs())
                .param("attempts", e.attempts())
                .update();
        if (n == 1) recordRun(e, "processed", null, now);
        return n == 1;
    }

    static final String MARK_FAILED = """
            UPDATE inbound_events
            SET status = :status, next_attempt_at = :retryAt, locked_until = NULL, last_error = :error
            WHERE id = :id AND runs = :runs AND attempts = :attempts
            """;

    /** A failed attempt: retried at {@code retryAt}, or, when null, the run ends as failed. Fenced like markProcessed. */
    boolean markFailed(EventRow e, String error, Instant retryAt, Instant now) {
        String message = error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000) : error;
        int n = jdbc.sql(MARK_FAILED)
                .param("id", e.id())
                .param("status", retryAt == null ? "failed" : "received")
                .param("retryAt", ts(retryAt))
                .param("error", message)
                .param("runs", e.runs())
                .param("attempts", e.attempts())
                .update();
        if (n == 1 && retryAt == null) recordRun(e, "failed", message, now);
        return n == 1;
    }

    /*
     * A release takes back the attempt its claim counted, so giving events back never uses up their
     * attempts. The token goes back to the one of the claim before, which is safe: that claim's lease
     * ended before this one was made, and until the next claim nobody else processes the event, so
     * if that late run ends now it is the only run to end under the token.
     */
    static final String RELEASE = """
            UPDATE inbound_events SET locked_until = NULL, attempts = attempts - 1
            WHERE id = :id AND runs = :runs AND attempts = :attempts
            """;

    /** Gives a claimed event back, to be claimed again at once (it could not be processed within its lease). */
    void release(EventRow e) {
        jdbc.sql(RELEASE)
                .param("id", e.id())
                .param("runs", e.runs())
                .param("attempts", e.attempts())
                .update();
    }

    /**
     * Ends each run as processed and records it, as {@link #markProcessed} does one by one, in two
     * batched statements. Returns the ids whose claim had moved on (nothing written for them): when
     * there are any, the caller must roll back, because what it did for them must not count.
     */
    java.util.Set<String> markAllProcessed(List<EventRow> processed, Instant now) {
        java.util.Set<String> stale = new java.util.HashSet<>();
        if (processed.isEmpty()) return stale;
        var marks = processed.stream()
                .map(e -> new org.springframework.jdbc.core.namedparam.MapSqlParameterSource()
                        .addValue("id", e.id())
                        .addValue("userId", e.userId())
                        .addValue("now", ts(now))
                        .addValue("runs", e.runs())
                        .addValue("attempts", e.attempts()))
                .toArray(org.springframework.jdbc.core.namedparam.SqlParameterSource[]::new);
        int[] counts = batches.batchUpdate(MARK_PROCESSED, marks);
        for (int i = 0; i < counts.length; i++)
            if (counts[i] == 0) stale.add(processed.get(i).id());
        if (!stale.isEmpty()) return stale;
        var runs = processed.stream()
                .map(e -> new org.springframework.jdbc.core.namedparam.MapSqlParameterSource()
                        .addValue("id", e.id())
                        .addValue("run", e.runs())
                        .addValue("reason", e.runs() == 1 ? "ingest" : "replay")
                        .addValue("outcome", "processed")
                        .addValue("error", null)
                        .addValue("now", ts(now)))
                .toArray(org.springframework.jdbc.core.namedparam.SqlParameterSource[]::new);
        batches.batchUpdate(RECORD_RUN, runs);
        return stale;
    }

    static final String RECORD_RUN = """
            INSERT INTO inbound_event_runs (event_id, run, reason, outcome, error, finished_at)
            VALUES (:id, :run, :reason, :outcome, :error, :now)
            ON CONFLICT DO NOTHING
            """;

    private void recordRun(EventRow e, String outcome, String error, Instant now) {
        jdbc.sql(RECORD_RUN)
                .param("id", e.id())
                .param("run", e.runs())
                .param("reason", e.runs() == 1 ? "ingest" : "replay")
                .param("outcome", outcome)
                .param("error", error)
                .param("now", ts(now))
                .update();
    }

    List<Run> runs(String id) {
        return jdbc.sql("SELECT * FROM inbound_event_runs WHERE event_id = :id ORDER BY run")
                .param("id", id)
                .query((rs, n) -> new Run(
                        rs.getInt("run"),
                        rs.getString("reason"),
                        rs.getString("outcome"),
                        rs.getString("error"),
                        instant(rs, "finished_at")))
                .list();
    }

    /** Purges raw bodies received before {@code cutoff}, at most {@code batch} rows; returns how many. */
    int purgeBodies(Instant cutoff, int batch, Instant now) {
        return jdbc.sql("""
                UPDATE inbound_events SET body = NULL, body_purged_at = :now
                WHERE id IN (SELECT id FROM inbound_events
                             WHERE received_at < :cutoff AND body IS NOT NULL AND status <> 'received'
                             ORDER BY received_at LIMIT :batch)
                """)
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .param("now", ts(now))
                .update();
    }

    /** Deletes events (and their runs) received before {@code cutoff}, at most {@code batch}; returns how many. */
    int deleteOlderThan(Instant cutoff, int batch) {
        List<String> ids = jdbc.sql("""
                SELECT id FROM inbound_events WHERE received_at < :cutoff AND status <> 'received'
                ORDER BY received_at LIMIT :batch
                """)
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .query(String.class)
                .list();
        if (ids.isEmpty()) return 0;
        jdbc.sql("DELETE FROM inbound_event_runs WHERE event_id IN (:ids)")
                .param("ids", ids)
                .update();
        return jdbc.sql("DELETE FROM inbound_events WHERE id IN (:ids)")
                .param("ids", ids)
                .update();
    }

    /** Events received and not yet processed (retries waiting included), and the oldest one's age. */
    dev.switchboard.common.BacklogSource.Backlog waiting(Instant now) {
        return jdbc.sql(
                        "SELECT count(*) AS n, min(received_at) AS oldest FROM inbound_events WHERE status = 'received'")
                .query((rs, n) -> {
                    Instant oldest = dev.switchboard.common.Sql.instant(rs, "oldest");
                    return new dev.switchboard.common.BacklogSource.Backlog(
                            "inbound.events.waiting",
                            rs.getLong("n"),
                            oldest == null ? null : java.time.Duration.between(oldest, now));
                })
                .single();
    }

    Optional<Instant> earliest() {
        return FactQueries.earliest(jdbc, "inbound_events");
    }

    /** Per source of a tenant: events received since {@code since}, and the latest event's time (any age). */
    Map<String, SourceActivity> activity(String tenantId, java.util.Collection<String> sourceIds, Instant since) {
        Map<String, SourceActivity> out = new LinkedHashMap<>();
        if (sourceIds.isEmpty()) return out;
        // One index probe per source for the latest (max over the (source_id, received_at) index), and a
        // range count over the last day: neither reads a source's whole history.
        jdbc.sql("""
                SELECT s.id,
                       (SELECT max(e.received_at) FROM inbound_events e WHERE e.source_id = s.id) AS last_at,
                       (SELECT count(*) FROM inbound_events e WHERE e.source_id = s.id AND e.received_at >= :since) AS recent
                FROM sources s WHERE s.tenant_id = :tenant AND s.id IN (:sources)
                """)
                .param("tenant", tenantId)
                .param("sources", sourceIds)
                .param("since", ts(since))
                .query(rs -> {
                    out.put(rs.getString("id"), new SourceActivity(rs.getLong("recent"), instant(rs, "last_at")));
                });
        return out;
    }

    record SourceActivity(long receivedLast24h, Instant lastReceivedAt) {}
}
