package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.QueryPlans;
import dev.switchboard.testing.RequiresPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event processing's hot statements on a table PostgreSQL has never analyzed: the claim reads the
 * partial due index (and returns the events with their bodies), the batch's subjects are read by
 * their key, and the fenced ends of a run use the primary key alone (a generic plan that
 * scanned the due queue for each update once cut processing to a few events a second).
 */
@RequiresPostgres
class EventPlansTest {

    static QueryPlans plans;
    static final Object NOW = Sql.ts(Instant.parse("2026-12-01T12:00:00Z"));

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema(
                "tenants", "sources", "inbound_events", "inbound_event_runs", "subject_mappings");
        tenantAndSource(plans);
        // A backlog waiting, as when processing falls behind, and as many already processed.
        plans.execute("""
                INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                                            headers, body_size, verification, status, attempts, runs, next_attempt_at)
                SELECT 'evt' || g, 't1', 'src1', 'none', 'k' || g, 'x', now(), '{}', 0, 'none',
                       CASE WHEN g % 2 = 0 THEN 'received' ELSE 'processed' END, 0, 1,
                       CASE WHEN g % 2 = 0 THEN now() END
                FROM generate_series(1, 40000) g""");
    }

    /** Tenant {@code t1} and its source {@code src1}. */
    static void tenantAndSource(QueryPlans p) throws Exception {
        p.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
        p.execute("""
                INSERT INTO sources (id, tenant_id, name, provider, options, status, created_at, updated_at)
                VALUES ('src1', 't1', 's', 'none', '{}', 'active', now(), now())""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    /** A claim's plan, under the setting the claim runs with. */
    static String claimPlan(String what, String sql, Map<String, ?> params) throws Exception {
        return checked(what, plans.claimPlan(sql, params));
    }

    static String plan(String what, String sql, Map<String, ?> params) throws Exception {
        return checked(what, plans.plan(sql, params));
    }

    /** Prints the plan (for the record) and checks that it does not read the whole table. */
    static String checked(String what, String plan) {
        System.out.println("-- " + what + "\n" + plan);
        assertThat(plan).as(what).doesNotContain("Seq Scan on inbound_events");
        return plan;
    }

    static void byPrimaryKeyOnly(String plan) {
        assertThat(plan).contains("Index Scan using inbound_events_pkey on inbound_events");
        assertThat(plan.replace("inbound_events_pkey", "")).doesNotContain("inbound_events_");
    }

    @Test
    void theClaimReadsTheDueIndex() throws Exception {
        String p = claimPlan(
                "claim",
                EventRepository.DUE.postgresql(),
                Map.of("now", NOW, "floor", NOW, "lease", NOW, "claimLimit", 100));
        assertThat(p).contains("Index Scan using inbound_events_due_idx");
        // In claim order from the index: no sort of every due row to take the first hundred.
        assertThat(p).doesNotContain("Sort Key");
    }

    /**
     * A claim whose order no index gives (replay jobs, a small table, by creation time) still sorts
     * with sorting ruled out, at a cost past PostgreSQL's JIT threshold: it must not be compiled,
     * which cost some 200 ms of CPU per poll of an empty table.
     */
    @Test
    void aClaimThatMustSortIsNotJitCompiled() throws Exception {
        String sql = ReplayRepository.DUE.postgresql();
        Map<String, Object> params = Map.of("now", NOW, "lease", NOW, "claimLimit", 1);
        assertThat(plans.claimPlan(sql, params)).contains("Sort Key").doesNotContain("JIT:");
        // What the claim would cost without the JIT setting, where this server has JIT at all.
        if ("true".equals(plans.query("SELECT pg_jit_available()::text"))) {
            plans.execute("SET enable_sort = off");
            try {
                assertThat(plans.plan(sql, params)).contains("JIT:");
            } finally {
                plans.execute("RESET ALL");
            }
        }
    }

    /** Processing's claim returns the events and their bodies: the same plan, and no read after it. */
    @Test
    void theClaimThatReturnsTheEventsReadsTheDueIndex() throws Exception {
        String p = claimPlan(
                "claim returning the events",
                EventRepository.DUE.postgresql(EventRepository.CLAIMED_COLUMNS),
                Map.of("now", NOW, "floor", NOW, "lease", NOW, "claimLimit", 100));
        assertThat(p).contains("Index Scan using inbound_events_due_idx");
        assertThat(p).doesNotContain("Sort Key");
    }

    /**
     * Processed events stay in the due index until VACUUM removes their entries (autovacuum off here,
     * as on the benchmark's machine), and they sort first: a claim from the index's start steps over
     * every event processed before it, more with each claim. From the processor's floor (the oldest
     * waiting event, read once every few seconds) it reads a few pages.
     */
    @Test
    void theClaimFromTheFloorStepsOverNoProcessedEvent() throws Exception {
        try (QueryPlans q = QueryPlans.freshSchema("tenants", "sources", "inbound_events")) {
            tenantAndSource(q);
            q.execute("""
                    INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                                                headers, body_size, verification, status, attempts, runs,
                                                next_attempt_at)
                    SELECT 'evt' || g, 't1', 'src1', 'none', 'k' || g, 'x', now(), '{}', 0, 'none', 'received', 0, 1,
                           timestamptz '2026-12-01 11:00:00+00' + g * interval '10 millisecond'
                    FROM generate_series(1, 40000) g""");
            // The first 39,900 processed, as processing marks them: their entries stay in the due index.
            q.execute("UPDATE inbound_events SET status = 'processed', next_attempt_at = NULL"
                    + " WHERE next_attempt_at < timestamptz '2026-12-01 11:06:39.01+00'");
            String claim = "SELECT id FROM inbound_events WHERE " + EventRepository.DUE.due() + " ORDER BY "
                    + EventRepository.DUE.order() + " LIMIT :claimLimit";
            Map<String, Object> fromStart = Map.of("now", NOW, "floor", Sql.ts(Instant.EPOCH), "claimLimit", 10);
            Map<String, Object> fromFloor =
                    Map.of("now", NOW, "floor", Sql.ts(Instant.parse("2026-12-01T11:06:39.010Z")), "claimLimit", 10);
            // Twice from the start: the second finds the dead entries marked, and still reads their pages.
            q.claimRun(claim, fromStart);
            String walked = q.claimRun(claim, fromStart);
            String floor = q.claimRun(claim, fromFloor);
            System.out.println("-- the claim from the start\n" + walked + "-- from the floor\n" + floor);
            assertThat(walked).contains("rows=10 loops=1");
            assertThat(floor).contains("rows=10 loops=1");
            System.out.printf(
                    "pages: from the start %d, from the floor %d%n",
                    QueryPlans.buffers(walked), QueryPlans.buffers(floor));
            assertThat(QueryPlans.buffers(walked)).isGreaterThan(100);
            assertThat(QueryPlans.buffers(floor)).isLessThan(20);
        }
    }

    @Test
    void fencedEndsOfARunUseThePrimaryKeyOnly() throws Exception {
        Map<String, Object> processed = new HashMap<>(Map.of("id", "evt2", "now", NOW, "runs", 1, "attempts", 1));
        processed.put("userId", null);
        byPrimaryKeyOnly(plan("mark processed", EventRepository.MARK_PROCESSED, processed));
        byPrimaryKeyOnly(plan(
                "mark failed",
                EventRepository.MARK_FAILED,
                Map.of("id", "evt2", "status", "received", "retryAt", NOW, "error", "boom", "runs", 1, "attempts", 1)));
        byPrimaryKeyOnly(plan("release", EventRepository.RELEASE, Map.of("id", "evt2", "runs", 1, "attempts", 1)));
    }

    /**
     * A processed batch's subjects, read once per batch as {@code = ANY(array)}: one statement and one
     * generic plan for any number of subjects. (An {@code IN} list of a hundred ids once got a
     * sequential scan as its generic plan on a table no statistics describe.)
     */
    @Test
    void theBatchsSubjectsAreReadByTheirKey() throws Exception {
        plans.execute("""
                INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                SELECT 't1', 'cus_' || g, 'u' || g, now(), now() FROM generate_series(1, 40000) g""");
        String[] subjects = java.util.stream.IntStream.rangeClosed(1, 100)
                .mapToObj(i -> "cus_" + (7 * i))
                .toArray(String[]::new);
        String p = plan(
                "the batch's subjects, 100", SubjectRepository.USERS, Map.of("tenant", "t1", "external", subjects));
        assertThat(p).doesNotContain("Seq Scan on subject_mappings");
        assertThat(p).contains("subject_mappings_pkey");
    }

    /**
     * The same read when the table was small at first: a generic plan made then matches the tenant
     * alone and filters the subjects, and a pooled connection keeps it as the table grows (with no
     * statistics, nothing tells it to plan again), reading every mapping of the tenant per batch. The
     * read runs with custom plans ({@code Claims.withCustomPlans}), made for the table as it is.
     */
    @Test
    void theBatchsSubjectsAreReadByTheirKeyEvenAfterTheTableGrew() throws Exception {
        try (QueryPlans small = QueryPlans.freshSchema("tenants", "subject_mappings")) {
            small.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
            small.execute("""
                    INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                    SELECT 't1', 'cus_' || g, 'u' || g, now(), now() FROM generate_series(1, 20) g""");
            Map<String, Object> params = Map.of("tenant", "t1", "external", new String[] {"cus_7", "cus_14"});
            // The precondition: the generic plan made on the small table filters the subjects.
            assertThat(small.plan(SubjectRepository.USERS, params)).contains("Filter");
            small.execute("""
                    INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                    SELECT 't1', 'big_' || g, 'u' || g, now(), now() FROM generate_series(1, 40000) g""");
            String p = checked(
                    "the batch's subjects, custom plan after growth",
                    small.customPlan(SubjectRepository.USERS, params));
            // Both key columns in the index condition, nothing left to filter.
            assertThat(p)
                    .containsPattern("Index Cond: .*tenant_id.*external_id")
                    .doesNotContain("Filter");
        }
    }
}
