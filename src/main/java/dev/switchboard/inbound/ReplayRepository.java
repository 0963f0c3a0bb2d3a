package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Bulk replay jobs: what they select, how far they got, and who holds them. */
@Repository
class ReplayRepository {

    record Job(
            String id,
            String tenantId,
            String filter,
            int maxEvents,
            Instant receivedTo,
            int matched,
            int replayed,
            String status,
            Instant afterAt,
            String afterId,
            int leaseToken,
            String lastError,
            Instant createdAt,
            Instant updatedAt,
            Instant finishedAt) {}

    private static final RowMapper<Job> JOB = (rs, n) -> new Job(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getString("filter"),
            rs.getInt("max_events"),
            instant(rs, "received_to"),
            rs.getInt("matched"),
            rs.getInt("replayed"),
            rs.getString("status"),
            instant(rs, "after_at"),
            rs.getString("after_id"),
            rs.getInt("lease_token"),
            rs.getString("last_error"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"),
            instant(rs, "finished_at"));

    /** Queued or running jobs whose lease (if any) has ended; a claim moves the token on. */
    static final Claims.Claim DUE = new Claims.Claim(
            "event_replays",
            "status IN ('queued', 'running') AND (locked_until IS NULL OR locked_until <= :now)",
            "created_at",
            "locked_until = :lease, lease_token = lease_token + 1, status = 'running'");

    private final JdbcClient jdbc;
    private final Claims claims;

    ReplayRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    void insert(Job j) {
        jdbc.sql("""
                INSERT INTO event_replays (id, tenant_id, filter, max_events, received_to, matched, replayed, status,
                    lease_token, created_at, updated_at, finished_at)
                VALUES (:id, :tenant, :filter, :max, :to, :matched, 0, :status, 0, :now, :now, :finished)
                """)
                .param("status", j.status())
                .param("finished", ts(j.finishedAt()))
                .param("id", j.id())
                .param("tenant", j.tenantId())
                .param("filter", j.filter())
                .param("max", j.maxEvents())
                .param("to", ts(j.receivedTo()))
                .param("matched", j.matched())
                .param("now", ts(j.createdAt()))
                .update();
    }

    Optional<Job> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM event_replays WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(JOB)
                .optional();
    }

    /** Claims up to {@code limit} jobs for {@code lease}; returns them with their new tokens. */
    List<Job> claim(Instant now, Duration lease, int limit) {
        List<String> ids = claims.claim(DUE, Map.of("now", ts(now), "lease", ts(now.plus(lease))), limit);
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT * FROM event_replays WHERE id IN (:ids)")
                .param("ids", ids)
                .query(JOB)
                .list();
    }

    /**
     * Records a chunk's progress, fenced by the claim's token; {@code finished} ends the job and
     * releases it, else the lease is kept. False when the job was taken over since.
     */
    boolean progress(Job j, Instant afterAt, String afterId, int replayed, boolean finished, Instant now) {
        return jdbc.sql("""
                        UPDATE event_replays SET after_at = :afterAt, after_id = :afterId, replayed = :replayed,
                            status = :status, finished_at = :finished, locked_until = NULL, updated_at = :now
                        WHERE id = :id AND lease_token = :token
                        """)
                        .param("afterAt", ts(afterAt))
                        .param("afterId", afterId)
                        .param("replayed", replayed)
                        .param("status", finished ? "done" : "running")
                        .param("finished", finished ? ts(now) : null)
                        .param("now", ts(now))
                        .param("id", j.id())
                        .param("token", j.leaseToken())
                        .update()
                == 1;
    }
}
