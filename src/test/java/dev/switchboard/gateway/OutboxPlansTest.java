package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.QueryPlans;
import dev.switchboard.testing.RequiresPostgres;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox's hot statements keep their plans on a table PostgreSQL has never analyzed: the claim
 * walks the partial queue index in claim order (priority, then due time) and stops at its limit,
 * a fenced write is served by the primary key alone, and releasing a connection's held jobs reads
 * only held jobs.
 */
@RequiresPostgres
class OutboxPlansTest {

    static QueryPlans plans;
    static final Object NOW = Sql.ts(Instant.parse("2026-12-01T12:00:00Z"));

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema("tenants", "outbox_jobs", "outbox_attempts");
        // Most jobs are finished, some wait, of every priority, as on a busy node.
        jobs(plans, 40_000, 4);
    }

    /** A tenant and {@code count} jobs of every priority, one in {@code waitingEvery} queued, the rest succeeded. */
    static void jobs(QueryPlans p, int count, int waitingEvery) throws Exception {
        p.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
        p.execute("""
                INSERT INTO outbox_jobs (id, tenant_id, connection_id, provider, method, path, headers, body_json,
                    request_hash, priority, status, max_attempts, attempts, series, next_attempt_at, lease_token,
                    metadata, created_at, updated_at)
                SELECT 'job' || g, 't1', 'con1', 'stripe', 'POST', '/v1/charges', '{}', false, '\\x00', g %% 10,
                       CASE WHEN g %% %2$d = 0 THEN 'queued' ELSE 'succeeded' END, 8, 1, 1,
                       CASE WHEN g %% %2$d = 0 THEN now() END, 1, '{}', now(), now()
                FROM generate_series(1, %1$d) g""".formatted(count, waitingEvery));
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    static String checked(String what, String plan) {
        System.out.println("-- " + what + "\n" + plan);
        assertThat(plan).as(what).doesNotContain("Seq Scan on outbox_jobs");
        return plan;
    }

    @Test
    void theClaimWalksTheQueueIndexInClaimOrder() throws Exception {
        String p = checked(
                "claim",
                plans.claimPlan(OutboxRepository.DUE.postgresql(), Map.of("now", NOW, "lease", NOW, "claimLimit", 50)));
        assertThat(p).contains("Index Scan using outbox_jobs_due_idx");
        assertThat(p).doesNotContain("Sort Key");
    }

    @Test
    void claimedJobsAreLoadedByKeyEvenWhenThePlanWasMadeOnASmallTable() throws Exception {
        try (QueryPlans small = QueryPlans.freshSchema("tenants", "outbox_jobs")) {
            jobs(small, 20, 1);
            Map<String, Object> params = Map.of("ids", new String[] {"job1", "job2", "job3"});
            // The precondition: left to itself, the planner reads this small table whole.
            assertThat(small.plan(OutboxRepository.LOAD, params)).contains("Seq Scan on outbox_jobs");
            String p = checked("load claimed jobs, small table", small.keyLookupPlan(OutboxRepository.LOAD, params));
            assertThat(p).contains("outbox_jobs_pkey");
        }
    }

    @Test
    void fencedWritesUseThePrimaryKeyOnly() throws Exception {
        String p = checked(
                "finish",
                plans.plan(
                        OutboxRepository.FINISH,
                        Map.of(
                                "id",
                                "job4",
                                "token",
                                1,
                                "status",
                                "queued",
                                "attempts",
                                2,
                                "next",
                                NOW,
                                "code",
                                500,
                                "error",
                                "HTTP 500",
                                "now",
                                NOW,
                                "completed",
                                NOW)));
        assertThat(p).contains("Index Scan using outbox_jobs_pkey on outbox_jobs");
        assertThat(p.replace("outbox_jobs_pkey", "")).doesNotContain("outbox_jobs_");
    }

    @Test
    void releasingAConnectionsHeldJobsReadsOnlyHeldJobs() throws Exception {
        String p = checked(
                "release held",
                plans.plan(OutboxRepository.RELEASE_HELD, Map.of("tenant", "t1", "connection", "con1", "now", NOW)));
        assertThat(p).contains("outbox_jobs_held_idx");
    }

    @Test
    void theBacklogReadsOnlyWaitingJobs() throws Exception {
        checked("backlog", plans.plan(OutboxRepository.BACKLOG, Map.of("now", NOW)));
    }
}
