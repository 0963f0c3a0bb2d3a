package dev.switchboard.gateway;

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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Outbox jobs and their attempts. A job is claimed with one SKIP LOCKED statement that marks it
 * {@code in_flight} until its lease ends (held in {@code next_attempt_at}, so a job whose node died
 * comes due again by itself) and moves its lease token on; every later write names that token.
 */
@Repository
class OutboxRepository {

    record Job(
            String id,
            String tenantId,
            String connectionId,
            String provider,
            String method,
            String path,
            String query,
            String headers,
            byte[] body,
            boolean bodyJson,
            String idempotencyKey,
            byte[] requestHash,
            int priority,
            String status,
            int maxAttempts,
            int attempts,
            int series,
            Instant notBefore,
            Instant deadline,
            Instant nextAttemptAt,
            int leaseToken,
            Integer lastStatus,
            String lastError,
            String metadata,
            String createdBy,
            String requestId,
            Instant createdAt,
            Instant updatedAt,
            Instant completedAt) {

        /** The same job in another status: a new job that must wait for approval. */
        Job withStatus(String s) {
            return new Job(
                    id,
                    tenantId,
                    connectionId,
                    provider,
                    method,
                    path,
                    query,
                    headers,
                    body,
                    bodyJson,
                    idempotencyKey,
                    requestHash,
                    priority,
                    s,
                    maxAttempts,
                    attempts,
                    series,
                    notBefore,
                    deadline,
                    nextAttemptAt,
                    leaseToken,
                    lastStatus,
                    lastError,
                    metadata,
                    createdBy,
                    requestId,
                    createdAt,
                    updatedAt,
                    completedAt);
        }
    }

    record Attempt(
            String id,
            int series,
            int attempt,
            Instant attemptedAt,
            String outcome,
            Integer statusCode,
            int latencyMs,
            Instant retryAt,
            String error,
            String responseHeaders,
            String responseExcerpt) {}

    /** List filters; null means any. */
    record Filter(String connectionId, String provider, String status, Integer priority, Instant since) {}

    private static final RowMapper<Job> JOB = (rs, n) -> new Job(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getString("connection_id"),
            rs.getString("provider"),
            rs.getString("method"),
            rs.getString("path"),
            rs.getString("query"),
            rs.getString("headers"),
            rs.getBytes("body"),
            rs.getBoolean("body_json"),
            rs.getString("idempotency_key"),
            rs.getBytes("request_hash"),
            rs.getInt("priority"),
            rs.getString("status"),
            rs.getInt("max_attempts"),
            rs.getInt("attempts"),
            rs.getInt("series"),
            instant(rs, "not_before"),
            instant(rs, "deadline"),
            instant(rs, "next_attempt_at"),
            rs.getInt("lease_token"),
            (Integer) rs.getObject("last_status"),
            rs.getString("last_error"),
            rs.getString("metadata"),
            rs.getString("created_by"),
            rs.getString("request_id"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"),
            instant(rs, "completed_at"));

    private static final RowMapper<Attempt> ATTEMPT = (rs, n) -> new Attempt(
            rs.getString("id"),
            rs.getInt("series"),
            rs.getInt("attempt"),
            instant(rs, "attempted_at"),
            rs.getString("outcome"),
            (Integer) rs.getObject("status_code"),
            rs.getInt("latency_ms"),
            instant(rs, "retry_at"),
            rs.getString("error"),
            rs.getString("response_headers"),
            rs.getString("response_excerpt"));

    private final JdbcClient jdbc;
    private final Claims claims;

    OutboxRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    void insert(Job j) {
        jdbc.sql("""
                INSERT INTO outbox_jobs (id, tenant_id, connection_id, provider, method, path, query, headers, body,
                    body_json, idempotency_key, request_hash, priority, status, max_attempts, attempts, series,
                    not_before, deadline, next_attempt_at, lease_token, metadata, created_by, request_id, created_at,
                    updated_at)
                VALUES (:id, :tenant, :connection, :provider, :method, :path, :query, :headers, :body,
                    :bodyJson, :key, :hash, :priority, :status, :maxAttempts, 0, 1,
                    :notBefore, :deadline, :next, 0, :metadata, :createdBy, :requestId, :now, :now)
                """)
                .param("id", j.id())
                .param("tenant", j.tenantId())
                .param("connection", j.connectionId())
                .param("provider", j.provider())
                .param("method", j.method())
                .param("path", j.path())
                .param("query", j.query())
                .param("headers", j.headers())
                .param("body", j.body())
                .param("bodyJson", j.bodyJson())
                .param("key", j.idempotencyKey())
                .param("hash", j.requestHash())
                .param("priority", j.priority())
                .param("status", j.status())
                .param("maxAttempts", j.maxAttempts())
                .param("notBefore", ts(j.notBefore()))
                .param("deadline", ts(j.deadline()))
                .param("next", ts(j.nextAttemptAt()))
                .param("metadata", j.metadata())
                .param("createdBy", j.createdBy())
                .param("requestId", j.requestId())
                .param("now", ts(j.createdAt()))
                .update();
    }

    Optional<Job> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM outbox_jobs WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(JOB)
                .optional();
    }

    Optional<Job> findByIdempotencyKey(String tenantId, String key) {
        return jdbc.sql("SELECT * FROM outbox_jobs WHERE tenant_id = :tenant AND idempotency_key = :key")
                .param("tenant", tenantId)
                .param("key", key)
                .query(JOB)
                .optional();
    }

    /** Newest first. */
    List<Job> list(String tenantId, Filter f, PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("tenant_id = :tenant");
        p.put("tenant", tenantId);
        if (f.connectionId() != null) {
            where.append(" AND connection_id = :connection");
            p.put("connection", f.connectionId());
        }
        if (f.provider() != null) {
            where.append(" AND provider = :provider");
            p.put("provider", f.provider());
        }
        if (f.status() != null) {
            where.append(" AND status = :status");
            p.put("status", f.status());
        }
        if (f.priority() != null) {
            where.append(" AND priority = :priority");
            p.put("priority", f.priority());
        }
        if (f.since() != null) {
            where.append(" AND created_at >= :since");
            p.put("since", ts(f.since()));
        }
        return page.select(jdbc, "SELECT * FROM outbox_jobs WHERE " + where, "created_at")
                .params(p)
                .query(JOB)
                .list();
    }

    /** Oldest first. */
    List<Attempt> attempts(String tenantId, String jobId) {
        return jdbc.sql("""
                SELECT * FROM outbox_attempts WHERE tenant_id = :tenant AND job_id = :job
                ORDER BY attempted_at, series, attempt
                """)
                .param("tenant", tenantId)
                .param("job", jobId)
                .query(ATTEMPT)
                .list();
    }

    /** Cancels a job that waits; false when it is in flight, finished, or not the tenant's. */
    boolean cancel(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE outbox_jobs SET status = 'cancelled', next_attempt_at = NULL,
                            lease_token = lease_token + 1, completed_at = :now, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status IN ('queued', 'held')
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Queues a failed job again as a new series of attempts; false when it is not failed. */
    boolean retry(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE outbox_jobs SET status = 'queued', attempts = 0, series = series + 1,
                            next_attempt_at = :now, lease_token = lease_token + 1, last_status = NULL,
                            last_error = NULL, completed_at = NULL, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status = 'failed'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * What a claim takes: jobs waiting (queued, or held by their connection) and due, and jobs in
     * flight whose lease ran out; highest priority first, then the longest due. A disabled tenant's
     * jobs wait. The claim marks them in flight until the lease ends and moves the token on.
     */
    static final Claims.Claim DUE = new Claims.Claim(
            "outbox_jobs",
            "status IN ('queued', 'held', 'in_flight') AND next_attempt_at <= :now"
                    + " AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = outbox_jobs.tenant_id"
                    + " AND t.status = 'disabled')",
            "priority DESC, next_attempt_at, id",
            "status = 'in_flight', next_attempt_at = :lease, lease_token = lease_token + 1, updated_at = :now");

    List<String> claimDue(Instant now, Duration lease, int limit) {
        return claims.claim(DUE, Map.of("now", ts(now), "lease", ts(now.plus(lease))), limit);
    }

    /**
     * Loads claimed jobs by key (one statement text for any number; read under the key-lookup
     * settings, so a generic plan made while the table was small cannot become a scan of every job).
     */
    static final String LOAD = "SELECT * FROM outbox_jobs WHERE id = ANY(:ids) ORDER BY priority DESC, id";

    /** The claimed jobs, highest priority first, then oldest. */
    List<Job> load(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return claims.byKeys(LOAD, Map.of("ids", Claims.ids(ids)), JOB);
    }

    /**
     * An approved job: queued, due now (or at its notBefore, if later); false when it no longer waits
     * for approval (cancelled meanwhile).
     */
    boolean approve(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE outbox_jobs SET status = 'queued',
                            next_attempt_at = CASE WHEN next_attempt_at > :now THEN next_attempt_at ELSE :now END,
                            lease_token = lease_token + 1, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status = 'pending_approval'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** A job that waited for approval ends {@code denied} or {@code expired}, never sent. */
    boolean closeUnapproved(String tenantId, String id, String status, String why, Instant now) {
        return jdbc.sql("""
                        UPDATE outbox_jobs SET status = :status, next_attempt_at = NULL, lease_token = lease_token + 1,
                            last_error = :why, completed_at = :now, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status = 'pending_approval'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("status", status)
                        .param("why", why)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * Makes the jobs a connection holds due now (when it became active again); returns how many.
     * Only held jobs: one in flight or backing off keeps its time.
     */
    int releaseHeld(String tenantId, String connectionId, Instant now) {
        return jdbc.sql(RELEASE_HELD)
                .param("tenant", tenantId)
                .param("connection", connectionId)
                .param("now", ts(now))
                .update();
    }

    static final String RELEASE_HELD = """
            UPDATE outbox_jobs SET next_attempt_at = :now, updated_at = :now
            WHERE connection_id = :connection AND tenant_id = :tenant AND status = 'held'
              AND next_attempt_at > :now
            """;

    static final String FINISH = """
            UPDATE outbox_jobs SET status = :status, attempts = :attempts, next_attempt_at = :next,
                last_status = :code, last_error = :error, updated_at = :now, completed_at = :completed
            WHERE id = :id AND lease_token = :token
            """;

    /**
     * Ends a claim: the job's new status, attempts and next look ({@code null} when finished).
     * False when its lease token moved on (another node took it over, or it was cancelled): then
     * nothing was written.
     */
    boolean finish(Job j, String status, int attempts, Instant next, Integer code, String error, Instant now) {
        boolean done = !status.equals("queued") && !status.equals("held");
        return jdbc.sql(FINISH)
                        .param("id", j.id())
                        .param("token", j.leaseToken())
                        .param("status", status)
                        .param("attempts", attempts)
                        .param("next", ts(next))
                        .param("code", code)
                        .param("error", error)
                        .param("now", ts(now))
                        .param("completed", done ? ts(now) : null)
                        .update()
                == 1;
    }

    void insertAttempt(String tenantId, String jobId, Attempt a) {
        jdbc.sql("""
                INSERT INTO outbox_attempts (id, tenant_id, job_id, series, attempt, attempted_at, outcome, status_code,
                    latency_ms, retry_at, error, response_headers, response_excerpt)
                VALUES (:id, :tenant, :job, :series, :attempt, :at, :outcome, :code, :latency, :retryAt, :error,
                    :headers, :excerpt)
                """)
                .param("id", a.id())
                .param("tenant", tenantId)
                .param("job", jobId)
                .param("series", a.series())
                .param("attempt", a.attempt())
                .param("at", ts(a.attemptedAt()))
                .param("outcome", a.outcome())
                .param("code", a.statusCode())
                .param("latency", a.latencyMs())
                .param("retryAt", ts(a.retryAt()))
                .param("error", a.error())
                .param("headers", a.responseHeaders())
                .param("excerpt", a.responseExcerpt())
                .update();
    }

    static final String BACKLOG = """
            SELECT count(*) AS waiting, min(next_attempt_at) AS oldest FROM outbox_jobs
            WHERE status = 'queued' AND next_attempt_at <= :now
            """;

    /** Jobs due and not yet sent, and since when the longest-waiting one is due. */
    Map.Entry<Long, Instant> backlog(Instant now) {
        return jdbc.sql(BACKLOG)
                .param("now", ts(now))
                .query((rs, n) -> Map.entry(
                        rs.getLong("waiting"),
                        Optional.ofNullable(instant(rs, "oldest")).orElse(now)))
                .single();
    }
}
