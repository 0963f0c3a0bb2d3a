package dev.switchboard.operations;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JobRunRepository {

    record JobRun(
            String id,
            String name,
            Instant startedAt,
            Instant finishedAt,
            int processed,
            int succeeded,
            int failed,
            String error) {}

    /** Filters of the job log; null means any. */
    record Filter(String name, Boolean failed, Instant from, Instant to) {}

    private final JdbcClient jdbc;

    JobRunRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(JobRun r) {
        jdbc.sql("""
                INSERT INTO job_runs (id, name, started_at, finished_at, processed, succeeded, failed, error)
                VALUES (:id, :name, :started, :finished, :processed, :succeeded, :failed, :error)
                """)
                .param("id", r.id())
                .param("name", r.name())
                .param("started", ts(r.startedAt()))
                .param("finished", ts(r.finishedAt()))
                .param("processed", r.processed())
                .param("succeeded", r.succeeded())
                .param("failed", r.failed())
                .param("error", r.error())
                .update();
    }

    List<JobRun> page(Filter f, PageRequest page) {
        StringBuilder where = new StringBuilder("SELECT * FROM job_runs WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (f.name() != null) {
            where.append(" AND name = :name");
            params.put("name", f.name());
        }
        if (Boolean.TRUE.equals(f.failed())) where.append(" AND (error IS NOT NULL OR failed > 0)");
        if (Boolean.FALSE.equals(f.failed())) where.append(" AND error IS NULL AND failed = 0");
        if (f.from() != null) {
            where.append(" AND started_at >= :from");
            params.put("from", ts(f.from()));
        }
        if (f.to() != null) {
            where.append(" AND started_at < :to");
            params.put("to", ts(f.to()));
        }
        return page.select(jdbc, where.toString(), "started_at")
                .params(params)
                .query((rs, n) -> new JobRun(
                        rs.getString("id"),
                        rs.getString("name"),
                        instant(rs, "started_at"),
                        instant(rs, "finished_at"),
                        rs.getInt("processed"),
                        rs.getInt("succeeded"),
                        rs.getInt("failed"),
                        rs.getString("error")))
                .list();
    }

    /** Whether the latest recorded run of a job ended without an error. */
    Optional<Boolean> lastRunSucceeded(String name) {
        return jdbc.sql("SELECT error FROM job_runs WHERE name = :name ORDER BY started_at DESC, id DESC LIMIT 1")
                .param("name", name)
                .query((rs, n) -> rs.getString("error") == null)
                .optional();
    }

    int deleteOlderThan(Instant cutoff, int batch) {
        return jdbc.sql("""
                DELETE FROM job_runs WHERE id IN (
                    SELECT id FROM job_runs WHERE started_at < :cutoff ORDER BY started_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }
}
