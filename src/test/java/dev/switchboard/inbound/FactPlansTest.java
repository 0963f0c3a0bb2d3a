package dev.switchboard.inbound;

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
 * The rollup job's count of inbound facts per minute, on tables PostgreSQL has never analyzed: each
 * of the three tables is read over its {@code received_at} index for the run's few minutes, never
 * whole (the job runs every poll, over days of retained events).
 */
@RequiresPostgres
class FactPlansTest {

    static QueryPlans plans;

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema(
                "tenants", "sources", "inbound_events", "inbound_rejections", "inbound_duplicates");
        EventPlansTest.tenantAndSource(plans);
        // A week of retained facts, one every 15 s.
        plans.execute("""
                INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type, received_at,
                                            headers, body_size, verification, status, attempts, runs)
                SELECT 'evt' || g, 't1', 'src1', 'none', 'k' || g, 'x', now() - g * interval '15 seconds', '{}', 0,
                       'none', 'processed', 1, 1
                FROM generate_series(1, 40000) g""");
        plans.execute("""
                INSERT INTO inbound_rejections (id, tenant_id, source_id, received_at, code, reason, headers, body_size)
                SELECT 'rej' || g, 't1', 'src1', now() - g * interval '15 seconds', 'signature', 'bad', '{}', 0
                FROM generate_series(1, 40000) g""");
        plans.execute("""
                INSERT INTO inbound_duplicates (id, tenant_id, source_id, event_id, received_at)
                SELECT 'dup' || g, 't1', 'src1', 'evt' || g, now() - g * interval '15 seconds'
                FROM generate_series(1, 40000) g""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    @Test
    void theMinuteCountsReadEachTableOverItsTimeIndex() throws Exception {
        Instant to = Instant.now();
        String plan = plans.plan(FactQueries.MINUTES, Map.of("from", Sql.ts(to.minusSeconds(330)), "to", Sql.ts(to)));
        System.out.println("-- inbound facts per minute, 5.5 minutes of a week\n" + plan);
        for (String table : new String[] {"inbound_events", "inbound_rejections", "inbound_duplicates"}) {
            assertThat(plan).as(table).doesNotContain("Seq Scan on " + table);
        }
        assertThat(plan)
                .contains("inbound_events_page_idx")
                .contains("inbound_rejections_time_idx")
                .contains("inbound_duplicates_received_idx");
    }
}
