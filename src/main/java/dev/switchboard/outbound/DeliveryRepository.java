package dev.switchboard.outbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Messages, their deliveries (one per endpoint) and every attempt. */
@Repository
class DeliveryRepository {

    /**
     * {@code provider} and {@code inboundEventId}: the inbound provider and event of a forwarded event,
     * else null. The event id is written, not read back: what a message's reader needs of it is in the
     * payload (the CloudEvent's {@code id}); the column lets SQL join a message to its event.
     */
    record Message(
            String id,
            String tenantId,
            String eventType,
            byte[] payload,
            String orderingKey,
            Instant createdAt,
            String provider,
            String inboundEventId) {

        Message(
                String id,
                String tenantId,
                String eventType,
                byte[] payload,
                String orderingKey,
                Instant createdAt,
                String provider) {
            this(id, tenantId, eventType, payload, orderingKey, createdAt, provider, null);
        }
    }

    record Delivery(
            String id,
            String messageId,
            String endpointId,
            String status,
            int attempts,
            Instant nextAttemptAt,
            Integer lastStatusCode,
            String lastError,
            Instant updatedAt) {}

    /** What the engine needs to make one attempt. */
    record Due(
            String id,
            String tenantId,
            String messageId,
            String eventType,
            byte[] payload,
            Instant messageCreatedAt,
            String endpointId,
            String url,
            String headersColumn,
            byte[] headersSealed,
            byte[] secret,
            byte[] previousSecret,
            Instant previousSecretExpiresAt,
            String endpointStatus,
            String format,
            Integer rateLimitPerSecond,
            Integer maxConcurrency,
            int attempts,
            int leaseToken) {}

    record Attempt(
            String id,
            String messageId,
            String endpointId,
            Instant attemptedAt,
            String outcome,
            Integer statusCode,
            int latencyMs,
            String responseExcerpt,
            String error) {}

    private static final RowMapper<Delivery> DELIVERY = (rs, n) -> new Delivery(
            rs.getString("id"),
            rs.getString("message_id"),
            rs.getString("endpoint_id"),
            rs.getString("status"),
            rs.getInt("attempts"),
            instant(rs, "next_attempt_at"),
            (Integer) rs.getObject("last_status_code"),
            rs.getString("last_error"),
            instant(rs, "updated_at"));

    private static final RowMapper<Attempt> ATTEMPT = (rs, n) -> new Attempt(
            rs.getString("id"),
            rs.getString("message_id"),
            rs.getString("endpoint_id"),
            instant(rs, "attempted_at"),
            rs.getString("outcome"),
            (Integer) rs.getObject("status_code"),
            rs.getInt("latency_ms"),
            rs.getString("response_excerpt"),
            rs.getString("error"));

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate jdbcTemplate;
    private final Claims claims;
    /** For the analytics' fact reads, which hand a span's every attempt to a callback (see Sql.streaming). */
    private final JdbcClient facts;

    DeliveryRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate jdbcTemplate, Claims claims) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.claims = claims;
        this.facts = Sql.streaming(jdbcTemplate.getDataSource());
    }

    /** A new delivery, as {@link #insertDeliveries} takes them; {@code orderingKey} only for an ordered endpoint. */
    record NewDelivery(
            String id,
            String tenantId,
            String messageId,
            String endpointId,
            String orderingKey,
            boolean paused,
            Instant now) {}

    static final String INSERT_MESSAGE = """
            INSERT INTO messages (id, tenant_id, event_type, payload, ordering_key, created_at, provider,
                                  inbound_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """;

    static final String INSERT_DELIVERY = """
            INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, ordering_key, status, attempts,
                                    next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
            """;

    /*
     * The batch forms bind each column with its type: a null bound without one makes the driver ask
     * the database for the statement's parameter types first, a round trip per statement.
     */

    /** Stores messages as one JDBC batch (one round trip), inside the caller's transaction. */
    void insertMessages(List<Message> messages) {
        if (messages.isEmpty()) return;
        jdbcTemplate.batchUpdate(INSERT_MESSAGE, messages, messages.size(), (ps, m) -> {
            ps.setString(1, m.id());
            ps.setString(2, m.tenantId());
            ps.setString(3, m.eventType());
            ps.setBytes(4, m.payload());
            ps.setObject(5, m.orderingKey(), java.sql.Types.VARCHAR);
            ps.setObject(6, ts(m.createdAt()));
            ps.setObject(7, m.provider(), java.sql.Types.VARCHAR);
            ps.setObject(8, m.inboundEventId(), java.sql.Types.VARCHAR);
        });
    }

    /** Stores deliveries as one JDBC batch, after their messages, inside the caller's transaction. */
    void insertDeliveries(List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) return;
        jdbcTemplate.batchUpdate(INSERT_DELIVERY, deliveries, deliveries.size(), (ps, d) -> {
            ps.setString(1, d.id());
            ps.setString(2, d.tenantId());
            ps.setString(3, d.messageId());
            ps.setString(4, d.endpointId());
            ps.setObject(5, d.orderingKey(), java.sql.Types.VARCHAR);
            ps.setString(6, d.paused() ? "paused" : "pending");
            ps.setObject(7, d.paused() ? null : ts(d.now()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(8, ts(d.now()));
            ps.setObject(9, ts(d.now()));
        });
    }

    Optional<Message> findMessage(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM messages WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, n) -> new Message(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("event_type"),
                        rs.getBytes("payload"),
                        rs.getString("ordering_key"),
                        instant(rs, "created_at"),
                        rs.getString("provider")))
                .optional();
    }

    /** A tenant's messages, newest first, without their payloads (a log page lists many). */
    List<Message> recentMessages(String tenantId, PageRequest page) {
        return page.select(
                        jdbc,
                        "SELECT id, tenant_id, event_type, ordering_key, created_at, provider FROM messages WHERE tenant_id = :tenant",
                        "created_at")
                .param("tenant", tenantId)
                .query((rs, n) -> new Message(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("event_type"),
                        null,
                        rs.getString("ordering_key"),
                        instant(rs, "created_at"),
                        rs.getString("provider")))
                .list();
    }

    /** The deliveries of several messages of one tenant, in one query. */
    List<Delivery> deliveriesOf(String tenantId, java.util.Collection<String> messageIds) {
        if (messageIds.isEmpty()) return List.of();
        return jdbc.sql(
                        "SELECT * FROM deliveries WHERE tenant_id = :tenant AND message_id IN (:ids) ORDER BY message_id, endpoint_id")
                .param("tenant", tenantId)
                .param("ids", messageIds)
                .query(DELIVERY)
                .list();
    }

    List<Delivery> deliveriesOf(String messageId) {
        return jdbc.sql("SELECT * FROM deliveries WHERE message_id = :message ORDER BY endpoint_id")
                .param("message", messageId)
                .query(DELIVERY)
                .list();
    }

    List<Attempt> attemptsOfMessage(String tenantId, String messageId) {
        return jdbc.sql(
                        "SELECT * FROM delivery_attempts WHERE tenant_id = :tenant AND message_id = :message ORDER BY attempted_at, id")
                .param("tenant", tenantId)
                .param("message", messageId)
                .query(ATTEMPT)
                .list();
    }

    /** Newest first; {@code success} null for all, true or false to filter. */
    List<Attempt> attemptsOfEndpoint(
            String tenantId, String endpointId, Boolean success, Instant since, PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("tenant_id = :tenant AND endpoint_id = :endpoint");
        p.put("tenant", tenantId);
        p.put("endpoint", endpointId);
        if (success != null) where.append(success ? " AND outcome = 'SUCCESS'" : " AND outcome <> 'SUCCESS'");
        if (since != null) {
            where.append(" AND attempted_at >= :since");
            p.put("since", ts(since));
        }
        return page.select(jdbc, "SELECT * FROM delivery_attempts WHERE " + where, "attempted_at")
                .params(p)
                .query(ATTEMPT)
                .list();
    }

    /** A tenant's attempts, newest first (the activity feed). */
    List<Attempt> attemptsOfTenant(String tenantId, Instant since, PageRequest page) {
        return page.select(
                        jdbc,
                        "SELECT * FROM delivery_attempts WHERE tenant_id = :tenant"
                                + (since == null ? "" : " AND attempted_at >= :since"),
                        "attempted_at")
                .param("tenant", tenantId)
                .params(since == null ? Map.of() : Map.of("since", ts(since)))
                .query(ATTEMPT)
                .list();
    }

    /** Claimed deliveries with their messages and endpoints, by the deliveries' ids. */
    static final String LOAD_DUE = """
            SELECT d.id, d.tenant_id, d.message_id, d.endpoint_id, d.attempts, d.lease_token, m.event_type, m.payload,
                   m.created_at AS message_created_at, e.url, e.headers, e.headers_sealed, e.status AS endpoint_status,
                   e.secret, e.previous_secret, e.previous_secret_expires_at,
                   e.format, e.rate_limit_per_second, e.max_concurrency
            FROM deliveries d JOIN messages m ON m.id = d.message_id JOIN endpoints e ON e.id = d.endpoint_id
            WHERE d.id = ANY(:ids)
            ORDER BY d.seq
            """;

    List<Due> loadDue(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return claims.byKeys(
                LOAD_DUE,
                Map.of("ids", Claims.ids(ids)),
                (rs, n) -> new Due(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("message_id"),
                        rs.getString("event_type"),
                        rs.getBytes("payload"),
                        instant(rs, "message_created_at"),
                        rs.getString("endpoint_id"),
                        rs.getString("url"),
                        rs.getString("headers"),
                        rs.getBytes("headers_sealed"),
                        rs.getBytes("secret"),
                        rs.getBytes("previous_secret"),
                        instant(rs, "previous_secret_expires_at"),
                        rs.getString("endpoint_status"),
                        rs.getString("format"),
                        (Integer) rs.getObject("rate_limit_per_second"),
                        (Integer) rs.getObject("max_concurrency"),
                        rs.getInt("attempts"),
                        rs.getInt("lease_token")));
    }

    /**
     * What a delivery claim takes: pending and due, not leased, not behind an earlier open delivery
     * with its ordering key, and not of a disabled tenant. Each claim moves the lease token on.
     */
    static Claims.Claim dueClaim() {
        return new Claims.Claim("deliveries", PENDING_DUE + " AND " + CLAIMABLE, CLAIM_ORDER, CLAIM_MARK);
    }

    static final String CLAIM_ORDER = "next_attempt_at, seq";
    static final String CLAIM_MARK = "locked_until = :lease, lease_token = lease_token + 1";

    /** Pending and due: the due index's rows up to now, in claim order. */
    static final String PENDING_DUE = "status = 'pending' AND next_attempt_at <= :now";

    /**
     * Reads of the queue in due order start at the engine's {@link dev.switchboard.common.QueueFloor}:
     * past the index entries of deliveries already made, which VACUUM has not yet removed.
     */
    static final String FROM_FLOOR = " AND next_attempt_at >= :floor";

    /** When the oldest pending delivery (leased or not) is due: see {@link dev.switchboard.common.QueueFloor}. */
    Optional<Instant> oldestPending() {
        return claims.earliest("deliveries", "status = 'pending'", "next_attempt_at");
    }

    /** A pending and due delivery that a claim may take now. */
    static final String CLAIMABLE = "(locked_until IS NULL OR locked_until <= :now)"
            // An ordered delivery waits while an earlier one with its key is open (or being retried).
            + " AND (ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries p"
            + " WHERE p.endpoint_id = deliveries.endpoint_id AND p.ordering_key = deliveries.ordering_key"
            + " AND p.seq < deliveries.seq AND p.status IN ('pending', 'paused')))"
            // A disabled tenant's deliveries wait, and go on when it is enabled again.
            + " AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = deliveries.tenant_id AND t.status = 'disabled')";

    /**
     * The claim of deliveries chosen from {@link #dueHead} and {@link #dueOf}, if they are still due
     * and unclaimed. In key order, so it looks each one up by its key: in the due index's order a
     * chosen row taken by another node meanwhile would make it walk the whole queue looking for it.
     */
    static Claims.Claim chosenClaim() {
        return new Claims.Claim("deliveries", dueClaim().due() + " AND id = ANY(:chosen)", "id", CLAIM_MARK);
    }

    /**
     * A pending and due delivery as the engine first sees it, to choose from before it claims; only
     * a {@code claimable} one may be chosen (see {@link #CLAIMABLE}).
     */
    record Candidate(String id, String endpointId, String tenantId, Integer maxConcurrency, boolean claimable) {}

    /**
     * The first {@code window} pending and due deliveries in claim order, claimable or not, read
     * without claiming them: the engine claims only those its endpoint and tenant caps leave room
     * for, where claiming a batch and giving back the excess cost two writes per row given back.
     *
     * <p>It reads exactly {@code window} rows of the due index, never more. Leaving full endpoints and
     * busy tenants out in SQL made the read walk past all of their rows: with a backlog behind one
     * endpoint at its cap, every claim read the whole backlog to find nothing (some 10,000 index
     * entries and heap rows per read in a sustained run, which starved the rest of the node). Work
     * beyond the window is found endpoint by endpoint ({@link #endpointsWithDueWork}, {@link #dueOf}).
     */
    List<Candidate> dueHead(Instant now, Instant floor, int window) {
        return claims.peek(
                new Claims.Claim("deliveries", PENDING_DUE + FROM_FLOOR, CLAIM_ORDER, CLAIM_MARK),
                Map.of("now", ts(now), "floor", ts(floor)),
                window,
                CANDIDATE_COLUMNS,
                DeliveryRepository::candidate);
    }

    /**
     * The first {@code window} pending and due deliveries of one endpoint in claim order, claimable or
     * not. Ordered by the endpoint first, which only the endpoint's own queue index gives without a
     * sort, so the read is that endpoint's rows and never a walk of the whole due queue.
     */
    List<Candidate> dueOf(String endpointId, Instant now, Instant floor, int window) {
        return claims.peek(
                new Claims.Claim(
                        "deliveries",
                        PENDING_DUE + FROM_FLOOR + " AND endpoint_id = :endpoint",
                        "endpoint_id, " + CLAIM_ORDER,
                        CLAIM_MARK),
                Map.of("now", ts(now), "floor", ts(floor), "endpoint", endpointId),
                window,
                CANDIDATE_COLUMNS,
                DeliveryRepository::candidate);
    }

    private static Candidate candidate(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Candidate(
                rs.getString("id"),
                rs.getString("endpoint_id"),
                rs.getString("tenant_id"),
                (Integer) rs.getObject("max_concurrency"),
                rs.getInt("claimable") == 1);
    }

    static final String CANDIDATE_COLUMNS = "id, endpoint_id, tenant_id,"
            + " (SELECT e.max_concurrency FROM endpoints e WHERE e.id = deliveries.endpoint_id) AS max_concurrency,"
            + " CASE WHEN " + CLAIMABLE + " THEN 1 ELSE 0 END AS claimable";

    /** An endpoint with due deliveries, its tenant and its own cap, and its oldest due time. */
    record DueEndpoint(String endpointId, String tenantId, Integer maxConcurrency, Instant head) {}

    /**
     * Each endpoint with pending deliveries is found by one descent of the endpoints' queue index
     * (a loose index scan: the next endpoint after the last one found), with its oldest pending
     * delivery's due time (one more descent), unless its tenant is disabled. The cost follows the
     * number of endpoints with pending work, not the number of deliveries waiting. The entries of
     * rows no longer pending that VACUUM has not yet removed sort first in each endpoint's range: the
     * floor leaves those below it out by the index entry alone (a condition on the index's second
     * column), without a visit to their rows, and takes each endpoint's oldest from the floor.
     */
    static final String ENDPOINTS_WITH_DUE_WORK = """
            WITH RECURSIVE pending_endpoints (endpoint_id) AS (
                SELECT (SELECT d.endpoint_id FROM deliveries d WHERE d.status = 'pending'
                        AND d.next_attempt_at >= :floor ORDER BY d.endpoint_id LIMIT 1)
                UNION ALL
                SELECT (SELECT d.endpoint_id FROM deliveries d WHERE d.status = 'pending'
                        AND d.endpoint_id > p.endpoint_id AND d.next_attempt_at >= :floor
                        ORDER BY d.endpoint_id LIMIT 1)
                FROM pending_endpoints p WHERE p.endpoint_id IS NOT NULL
            )
            SELECT e.id, e.tenant_id, e.max_concurrency, h.head
            FROM (SELECT p.endpoint_id,
                         (SELECT MIN(d.next_attempt_at) FROM deliveries d
                          WHERE d.status = 'pending' AND d.endpoint_id = p.endpoint_id
                          AND d.next_attempt_at >= :floor) AS head
                  FROM pending_endpoints p WHERE p.endpoint_id IS NOT NULL) h
            JOIN endpoints e ON e.id = h.endpoint_id
            WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = e.tenant_id AND t.status = 'disabled')
            """;

    /**
     * The endpoints with pending deliveries due by {@code now}, oldest first, leaving out disabled
     * tenants' (their deliveries wait). Read when the head of the queue holds nothing this node may
     * claim, to find work behind it without reading the deliveries in between.
     */
    List<DueEndpoint> endpointsWithDueWork(Instant now, Instant floor) {
        List<DueEndpoint> found = new ArrayList<>(claims.scan(
                ENDPOINTS_WITH_DUE_WORK,
                Map.of("floor", ts(floor)),
                (rs, n) -> new DueEndpoint(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        (Integer) rs.getObject("max_concurrency"),
                        instant(rs, "head"))));
        // Due ones only, and sorted, here: a condition on the head in the statement evaluated its
        // subquery twice (an index descent each), and a sort is what the claims' settings rule out.
        found.removeIf(e -> e.head().isAfter(now));
        found.sort(java.util.Comparator.comparing(DueEndpoint::head));
        return found;
    }

    /**
     * Claims the chosen deliveries for {@code lease}, those of them still due and not claimed by
     * another node meanwhile; returns their ids.
     */
    List<String> claimChosen(Instant now, Duration lease, Collection<String> chosen) {
        if (chosen.isEmpty()) return List.of();
        Map<String, Object> params = new HashMap<>();
        params.put("now", ts(now));
        params.put("lease", ts(now.plus(lease)));
        params.put("chosen", Claims.ids(chosen));
        return claims.claim(chosenClaim(), params, chosen.size());
    }

    /** An attempt to log: its id, the delivery it belongs to, and what happened. */
    record Logged(String id, Due due, Attempt attempt) {}

    void recordAttempt(String id, Due d, Attempt a) {
        recordAttempts(List.of(new Logged(id, d, a)));
    }

    /** Logs attempts with one batched statement. */
    void recordAttempts(List<Logged> attempts) {
        jdbcTemplate.batchUpdate("""
                INSERT INTO delivery_attempts (id, tenant_id, delivery_id, message_id, endpoint_id, attempted_at, outcome,
                                               status_code, latency_ms, response_excerpt, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, attempts, attempts.size(), (ps, l) -> {
            ps.setString(1, l.id());
            ps.setString(2, l.due().tenantId());
            ps.setString(3, l.due().id());
            ps.setString(4, l.due().messageId());
            ps.setString(5, l.due().endpointId());
            ps.setObject(6, ts(l.attempt().attemptedAt()));
            ps.setString(7, l.attempt().outcome());
            ps.setObject(8, l.attempt().statusCode(), java.sql.Types.INTEGER);
            ps.setInt(9, l.attempt().latencyMs());
            ps.setString(10, l.attempt().responseExcerpt());
            ps.setString(11, l.attempt().error());
        });
    }

    /** A first-try success: its attempt and the delivery's end, written together with others. */
    record Success(String attemptId, Due due, Attempt attempt, int attempts, Instant now) {}

    /** A first-try success ends its delivery, if the claim it came from is still the delivery's. */
    static final String SUCCEED = """
            UPDATE deliveries SET status = 'succeeded', attempts = ?, next_attempt_at = NULL, locked_until = NULL,
                last_status_code = ?, last_error = NULL, updated_at = ?
            WHERE id = ? AND lease_token = ?
            """;

    /**
     * Records many successful attempts with two batched statements. Every attempt is logged; a
     * delivery whose lease token moved on since (another node took it over, or it was resent) is left
     * as it is. Returns the successes that were applied.
     */
    List<Success> recordSuccesses(List<Success> successes) {
        recordAttempts(successes.stream()
                .map(x -> new Logged(x.attemptId(), x.due(), x.attempt()))
                .toList());
        int[][] counts = jdbcTemplate.batchUpdate(SUCCEED, successes, successes.size(), (ps, s) -> {
            ps.setInt(1, s.attempts());
            ps.setObject(2, s.attempt().statusCode(), java.sql.Types.INTEGER);
            ps.setObject(3, ts(s.now()));
            ps.setString(4, s.due().id());
            ps.setInt(5, s.due().leaseToken());
        });
        List<Success> applied = new ArrayList<>();
        int i = 0;
        for (int[] batch : counts) {
            for (int n : batch) {
                // A driver may answer "done, count unknown": the statement ran, so take it as applied.
                if (n > 0 || n == java.sql.Statement.SUCCESS_NO_INFO) applied.add(successes.get(i));
                i++;
            }
        }
        return applied;
    }

    /** An attempt's end; the same fence as {@link #SUCCEED}. */
    static final String FINISH = """
            UPDATE deliveries SET status = :status, attempts = :attempts, next_attempt_at = :next, locked_until = NULL,
                last_status_code = :code, last_error = :error, updated_at = :now
            WHERE id = :id AND lease_token = :token
            """;

    /**
     * Ends an attempt: the new status, and when to try again (null for none). False when the
     * delivery's lease token has moved on: the outcome is stale and nothing was changed.
     */
    boolean finish(Due d, String status, int attempts, Instant next, Integer statusCode, String error, Instant now) {
        return jdbc.sql(FINISH)
                        .param("id", d.id())
                        .param("token", d.leaseToken())
                        .param("status", status)
                        .param("attempts", attempts)
                        .param("next", ts(next))
                        .param("code", statusCode)
                        .param("error", error)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * The deliveries leased now with their endpoints, one row each: a range of the leased index (the
     * rows in flight across the cluster, whatever the backlog), counted per endpoint by {@link #leased}. A count
     * for given endpoints once read their pending rows through an endpoint index, filtering by lease:
     * with a backlog of 280,000 behind one endpoint, 230 ms per claim. A {@code GROUP BY} here did the
     * same another way: a pooled connection that first planned it on a small table kept a generic plan
     * that read the endpoints' queue index in endpoint order (no sort to group) and filtered every
     * pending row by its lease, 15 to 150 ms a pass with 470,000 pending in a sustained run; on an empty
     * table every index costs the same, and a plain read chose that one too. In lease order, under the
     * claims' settings where a sort is ruled out ({@link Claims#scan}), only the leased index gives the
     * read at any size.
     */
    static final String LEASED =
            "SELECT id, endpoint_id FROM deliveries WHERE status = 'pending' AND locked_until > :now ORDER BY locked_until";

    /**
     * What the leased deliveries hold: {@code inFlight} per endpoint across the cluster (every endpoint
     * with any), and {@code rows}, every leased delivery, each at the front of the due queue.
     */
    record Leased(Map<String, Integer> inFlight, int rows) {}

    /**
     * The leased deliveries, leaving out of {@code inFlight} those in {@code ended}: this node's
     * deliveries whose send has ended but whose outcome is not committed yet. The set is read after
     * the database's rows, so a delivery whose outcome commits in between is left out by the database
     * or, if it has left the set too, counted once more: never a delivery in flight left uncounted.
     */
    Leased leased(Instant now, Set<String> ended) {
        Map<String, Integer> counts = new HashMap<>();
        List<String[]> rows =
                claims.scan(LEASED, Map.of("now", ts(now)), (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
        for (String[] row : rows) {
            if (!ended.contains(row[0])) counts.merge(row[1], 1, Integer::sum);
        }
        return new Leased(counts, rows.size());
    }

    /** Gives a claimed delivery back untouched, to be claimed again at once. */
    static final String RELEASE = "UPDATE deliveries SET locked_until = NULL WHERE id = ? AND lease_token = ?";

    /** Gives claimed deliveries back untouched (over an endpoint's or a tenant's cap). */
    void release(List<Due> claimed) {
        if (claimed.isEmpty()) return;
        jdbcTemplate.batchUpdate(RELEASE, claimed, claimed.size(), (ps, d) -> {
            ps.setString(1, d.id());
            ps.setInt(2, d.leaseToken());
        });
    }

    static final String DEFER = """
            UPDATE deliveries SET next_attempt_at = :next, locked_until = NULL, updated_at = :now
            WHERE id = :id AND lease_token = :token
            """;

    /**
     * Puts a delivery back to wait until {@code next} without counting an attempt (rate limited);
     * false when its lease token moved on.
     */
    boolean defer(Due d, Instant next, Instant now) {
        return jdbc.sql(DEFER)
                        .param("id", d.id())
                        .param("token", d.leaseToken())
                        .param("next", ts(next))
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** What a resend did. */
    enum Resend {
        QUEUED,
        /** A node is sending it now (its lease has not ended): resending would send it twice at once. */
        IN_FLIGHT,
        NOT_FOUND
    }

    /**
     * Queues a delivery again now, whatever became of it, unless it is in flight. The lease token
     * moves on, so a late outcome of an earlier, expired claim cannot overwrite the resend.
     */
    Resend resend(String tenantId, String messageId, String endpointId, Instant now) {
        int n = jdbc.sql("""
                        UPDATE deliveries SET status = CASE WHEN status = 'paused' THEN 'paused' ELSE 'pending' END,
                            attempts = 0, next_attempt_at = :now, locked_until = NULL, lease_token = lease_token + 1,
                            updated_at = :now
                        WHERE tenant_id = :tenant AND message_id = :message AND endpoint_id = :endpoint
                          AND (status <> 'pending' OR locked_until IS NULL OR locked_until <= :now)
                        """)
                .param("tenant", tenantId)
                .param("message", messageId)
                .param("endpoint", endpointId)
                .param("now", ts(now))
                .update();
        if (n == 1) return Resend.QUEUED;
        boolean exists = jdbc.sql(
                                "SELECT count(*) FROM deliveries WHERE tenant_id = :tenant AND message_id = :message AND endpoint_id = :endpoint")
                        .param("tenant", tenantId)
                        .param("message", messageId)
                        .param("endpoint", endpointId)
                        .query(Integer.class)
                        .single()
                > 0;
        return exists ? Resend.IN_FLIGHT : Resend.NOT_FOUND;
    }

    /** The message an Idempotency-Key already made, with the hash of the body that made it. */
    Optional<Map.Entry<String, byte[]>> idempotent(String tenantId, String key, Instant notBefore) {
        return jdbc.sql(
                        "SELECT message_id, body_hash FROM message_idempotency WHERE tenant_id = :tenant AND idem_key = :key AND created_at >= :since")
                .param("tenant", tenantId)
                .param("key", key)
                .param("since", ts(notBefore))
                .query((rs, n) -> Map.entry(rs.getString("message_id"), rs.getBytes("body_hash")))
                .optional();
    }

    /** Records a key; an expired record of the same key is replaced. Throws DuplicateKeyException on a race. */
    void remember(String tenantId, String key, byte[] hash, String messageId, Instant now, Instant notBefore) {
        jdbc.sql(
                        "DELETE FROM message_idempotency WHERE tenant_id = :tenant AND idem_key = :key AND created_at < :since")
                .param("tenant", tenantId)
                .param("key", key)
                .param("since", ts(notBefore))
                .update();
        jdbc.sql(
                        "INSERT INTO message_idempotency (tenant_id, idem_key, body_hash, message_id, created_at) VALUES (:tenant, :key, :hash, :message, :now)")
                .param("tenant", tenantId)
                .param("key", key)
                .param("hash", hash)
                .param("message", messageId)
                .param("now", ts(now))
                .update();
    }

    /** Queues every failed delivery of an endpoint created since {@code since} again; returns how many. */
    int recover(String tenantId, String endpointId, Instant since, boolean paused, Instant now) {
        return jdbc.sql("""
                UPDATE deliveries SET status = :status, attempts = 0, next_attempt_at = :next, locked_until = NULL,
                    lease_token = lease_token + 1, updated_at = :now
                WHERE tenant_id = :tenant AND endpoint_id = :endpoint AND status = 'failed' AND created_at >= :since
                """)
                .param("tenant", tenantId)
                .param("endpoint", endpointId)
                .param("since", ts(since))
                .param("status", paused ? "paused" : "pending")
                .param("next", paused ? null : ts(now))
                .param("now", ts(now))
                .update();
    }

    /** An endpoint's attempts in a window: how many, how many succeeded. */
    record Outcomes(long attempts, long succeeded) {}

    /** Counts an endpoint's attempts since {@code since}: one aggregate over (endpoint_id, attempted_at). */
    Outcomes outcomesSince(String tenantId, String endpointId, Instant since) {
        return jdbc.sql(OUTCOMES_SINCE)
                .param("tenant", tenantId)
                .param("endpoint", endpointId)
                .param("since", ts(since))
                .query((rs, n) -> new Outcomes(rs.getLong("n"), rs.getLong("ok")))
                .single();
    }

    /**
     * The latencies at the given 0-based ranks (ascending) among an endpoint's attempts since {@code
     * since}, in the order asked; null where there is no such rank. One sort in the database, never the
     * rows in memory.
     */
    List<Integer> latencyRanksSince(String tenantId, String endpointId, Instant since, List<Long> ranks) {
        Map<Long, Integer> byRank = new java.util.HashMap<>();
        jdbc.sql(LATENCY_RANKS)
                .param("tenant", tenantId)
                .param("endpoint", endpointId)
                .param("since", ts(since))
                .param("ranks", ranks)
                .query(rs -> {
                    byRank.put(rs.getLong("rn"), rs.getInt("latency_ms"));
                });
        return ranks.stream().map(byRank::get).toList();
    }

    /** Deliveries due now (in flight included) and when the longest-waiting one became due. */
    dev.switchboard.common.BacklogSource.Backlog due(Instant now) {
        return jdbc.sql("""
                SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries
                WHERE status = 'pending' AND next_attempt_at <= :now
                """)
                .param("now", ts(now))
                .query((rs, n) -> {
                    Instant oldest = dev.switchboard.common.Sql.instant(rs, "oldest");
                    return new dev.switchboard.common.BacklogSource.Backlog(
                            "outbound.deliveries.due",
                            rs.getLong("n"),
                            oldest == null ? null : java.time.Duration.between(oldest, now));
                })
                .single();
    }

    static final String DEAD_LETTERS_SINCE =
            "SELECT count(*) FROM deliveries WHERE status = 'failed' AND updated_at >= :since";

    /** Deliveries that gave up (dead letters) since {@code since}. */
    long deadLettersSince(Instant since) {
        return jdbc.sql(DEAD_LETTERS_SINCE)
                .param("since", ts(since))
                .query(Long.class)
                .single();
    }

    static final String COUNT_FAILED = """
            SELECT count(*) FROM (
                SELECT 1 AS one FROM deliveries WHERE tenant_id = :tenant AND status = 'failed' LIMIT :max) x
            """;

    static final String OUTCOMES_SINCE = """
            SELECT count(*) AS n, coalesce(sum(CASE WHEN outcome = 'SUCCESS' THEN 1 ELSE 0 END), 0) AS ok
            FROM delivery_attempts
            WHERE endpoint_id = :endpoint AND attempted_at >= :since AND tenant_id = :tenant
            """;

    static final String LATENCY_RANKS = """
            SELECT rn, latency_ms FROM (
                SELECT latency_ms, row_number() OVER (ORDER BY latency_ms) - 1 AS rn
                FROM delivery_attempts
                WHERE endpoint_id = :endpoint AND attempted_at >= :since AND tenant_id = :tenant) x
            WHERE rn IN (:ranks)
            """;

    /**
     * A tenant's dead letters (failed deliveries), counted up to {@code max}: an index-only range of
     * (tenant_id, status, …) that stops at the cap, however many pile up.
     */
    long countFailed(String tenantId, int max) {
        return jdbc.sql(COUNT_FAILED)
                .param("tenant", tenantId)
                .param("max", max)
                .query(Long.class)
                .single();
    }

    Optional<Instant> earliestAttempt() {
        return jdbc
                .sql("SELECT min(attempted_at) AS t FROM delivery_attempts")
                .query((rs, n) -> instant(rs, "t"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    /**
     * Attempts made in [from, to), with their message's provider. The provider is one primary-key probe
     * per attempt, written as a subquery so that no plan can turn it into a scan of every message: a
     * join, planned generically for an unknown range (or with no statistics), hashes the whole messages
     * table for each span the rollup job reads.
     */
    void attemptFacts(Instant from, Instant to, java.util.function.Consumer<DeliveryFacts.Attempt> sink) {
        facts.sql("""
                SELECT a.tenant_id, a.endpoint_id, (SELECT m.provider FROM messages m WHERE m.id = a.message_id) AS provider,
                    a.attempted_at, a.outcome, a.latency_ms
                FROM delivery_attempts a
                WHERE a.attempted_at >= :from AND a.attempted_at < :to
                """).param("from", ts(from)).param("to", ts(to)).query(rs -> {
            sink.accept(new DeliveryFacts.Attempt(
                    rs.getString("tenant_id"),
                    rs.getString("endpoint_id"),
                    rs.getString("provider"),
                    instant(rs, "attempted_at"),
                    "SUCCESS".equals(rs.getString("outcome")),
                    rs.getInt("latency_ms")));
        });
    }

    /** Attempts in the last day and the latest attempt's time, per endpoint of a tenant. */
    record EndpointActivity(long attemptsLast24h, long succeededLast24h, Instant lastDeliveryAt) {}

    Map<String, EndpointActivity> activity(String tenantId, Collection<String> endpointIds, Instant since) {
        Map<String, EndpointActivity> out = new LinkedHashMap<>();
        if (endpointIds.isEmpty()) return out;
        // Index probes on (endpoint_id, attempted_at): the latest, and the last day's range.
        jdbc.sql("""
                SELECT e.id,
                       (SELECT max(a.attempted_at) FROM delivery_attempts a WHERE a.endpoint_id = e.id) AS last_at,
                       (SELECT count(*) FROM delivery_attempts a WHERE a.endpoint_id = e.id AND a.attempted_at >= :since) AS recent,
                       (SELECT count(*) FROM delivery_attempts a
                        WHERE a.endpoint_id = e.id AND a.attempted_at >= :since AND a.outcome = 'SUCCESS') AS ok
                FROM endpoints e WHERE e.tenant_id = :tenant AND e.id IN (:ids)
                """)
                .param("tenant", tenantId)
                .param("ids", endpointIds)
                .param("since", ts(since))
                .query(rs -> {
                    out.put(
                            rs.getString("id"),
                            new EndpointActivity(rs.getLong("recent"), rs.getLong("ok"), instant(rs, "last_at")));
                });
        return out;
    }

    /** A message in a search result: no payload. */
    record MessageItem(String id, String eventType, String orderingKey, String provider, Instant createdAt) {}

    /** Newest first; any filter may be null. {@code status} and {@code endpointId} match any of its deliveries. */
    List<MessageItem> searchMessages(
            String tenantId,
            String eventType,
            String endpointId,
            String status,
            Instant since,
            Instant until,
            PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("tenant_id = :tenant");
        p.put("tenant", tenantId);
        if (eventType != null) {
            where.append(" AND event_type = :type");
            p.put("type", eventType);
        }
        if (endpointId != null || status != null) {
            where.append(" AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id");
            if (endpointId != null) {
                where.append(" AND d.endpoint_id = :endpoint");
                p.put("endpoint", endpointId);
            }
            if (status != null) {
                where.append(" AND d.status = :status");
                p.put("status", status);
            }
            where.append(")");
        }
        if (since != null) {
            where.append(" AND created_at >= :since");
            p.put("since", ts(since));
        }
        if (until != null) {
            where.append(" AND created_at < :until");
            p.put("until", ts(until));
        }
        return page.select(
                        jdbc,
                        "SELECT id, event_type, ordering_key, provider, created_at FROM messages WHERE " + where,
                        "created_at")
                .params(p)
                .query((rs, n) -> new MessageItem(
                        rs.getString("id"),
                        rs.getString("event_type"),
                        rs.getString("ordering_key"),
                        rs.getString("provider"),
                        instant(rs, "created_at")))
                .list();
    }

    /** A delivery in a tenant-wide list. */
    record DeliveryItem(
            String id,
            String messageId,
            String endpointId,
            String eventType,
            String status,
            int attempts,
            Integer lastStatusCode,
            String lastError,
            Instant createdAt,
            Instant updatedAt) {}

    /** What a tenant-wide delivery list or bulk resend selects; any field may be null. */
    record DeliveryFilter(String status, String endpointId, String eventType, Instant since, Instant until) {}

    private static String where(String tenantId, DeliveryFilter f, Map<String, Object> p) {
        StringBuilder where = new StringBuilder("d.tenant_id = :tenant");
        p.put("tenant", tenantId);
        if (f.status() != null) {
            where.append(" AND d.status = :status");
            p.put("status", f.status());
        }
        if (f.endpointId() != null) {
            where.append(" AND d.endpoint_id = :endpoint");
            p.put("endpoint", f.endpointId());
        }
        if (f.eventType() != null) {
            where.append(" AND EXISTS (SELECT 1 FROM messages m WHERE m.id = d.message_id AND m.event_type = :type)");
            p.put("type", f.eventType());
        }
        if (f.since() != null) {
            where.append(" AND d.created_at >= :since");
            p.put("since", ts(f.since()));
        }
        if (f.until() != null) {
            where.append(" AND d.created_at < :until");
            p.put("until", ts(f.until()));
        }
        return where.toString();
    }

    /** Newest first (by creation). */
    List<DeliveryItem> searchDeliveries(String tenantId, DeliveryFilter f, PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        String where = where(tenantId, f, p);
        // The page's keyset names the bare columns: select from a derived table that has them.
        return page.select(jdbc, """
                        SELECT * FROM (SELECT d.id, d.message_id, d.endpoint_id, m.event_type, d.status, d.attempts,
                                              d.last_status_code, d.last_error, d.created_at, d.updated_at
                                       FROM deliveries d JOIN messages m ON m.id = d.message_id""" + " WHERE " + where + ") x WHERE 1 = 1", "created_at")
                .params(p)
                .query((rs, n) -> new DeliveryItem(
                        rs.getString("id"),
                        rs.getString("message_id"),
                        rs.getString("endpoint_id"),
                        rs.getString("event_type"),
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        (Integer) rs.getObject("last_status_code"),
                        rs.getString("last_error"),
                        instant(rs, "created_at"),
                        instant(rs, "updated_at")))
                .list();
    }

    /** Ids of up to {@code max} deliveries matching a filter, oldest first. */
    List<String> idsMatching(String tenantId, DeliveryFilter f, int max) {
        Map<String, Object> p = new LinkedHashMap<>();
        String where = where(tenantId, f, p);
        return jdbc.sql("SELECT d.id FROM deliveries d WHERE " + where + " ORDER BY d.created_at, d.id LIMIT :max")
                .params(p)
                .param("max", max)
                .query(String.class)
                .list();
    }

    /**
     * Queues a tenant's deliveries again now, as {@link #resend} does one: those in flight are left
     * alone. Returns the ids queued.
     */
    List<String> resendAll(String tenantId, Collection<String> ids, Instant now) {
        if (ids.isEmpty()) return List.of();
        String resendable = "tenant_id = :tenant AND id IN (:ids)"
                + " AND (status <> 'pending' OR locked_until IS NULL OR locked_until <= :now)";
        List<String> queued = jdbc.sql("SELECT id FROM deliveries WHERE " + resendable + " FOR UPDATE")
                .param("tenant", tenantId)
                .param("ids", ids)
                .param("now", ts(now))
                .query(String.class)
                .list();
        if (queued.isEmpty()) return queued;
        jdbc.sql("""
                UPDATE deliveries SET status = CASE WHEN status = 'paused' THEN 'paused' ELSE 'pending' END,
                    attempts = 0, next_attempt_at = :now, locked_until = NULL, lease_token = lease_token + 1,
                    updated_at = :now
                WHERE tenant_id = :tenant AND id IN (:ids)
                """)
                .param("tenant", tenantId)
                .param("ids", queued)
                .param("now", ts(now))
                .update();
        return queued;
    }
}
