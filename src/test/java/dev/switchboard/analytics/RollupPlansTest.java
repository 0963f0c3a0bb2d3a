package dev.switchboard.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.QueryPlans;
import dev.switchboard.testing.RequiresPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's sums over one tenant's rollups keep to a range of the primary key (tenant, grain,
 * bucket) on a table PostgreSQL has never analyzed, whatever other tenants hold.
 */
@RequiresPostgres
class RollupPlansTest {

    static QueryPlans plans;

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema("analytics_rollups");
        // 100 tenants × 20 endpoints × a day of minute rows, and their hour rows.
        plans.execute("""
                INSERT INTO analytics_rollups (tenant_id, grain, bucket, kind, subject_id, provider, received, rejected,
                    duplicates, attempts, succeeded, failed, calls, calls_2xx, calls_4xx, calls_5xx, calls_error,
                    latency_sum_ms, calls_3xx)
                SELECT 't' || (g % 100), 'minute', timestamptz '2026-12-01T00:00:00Z' + (g / 2000) * interval '1 minute',
                       'endpoint', 'ep' || (g % 2000 / 100), '', 0, 0, 0, 3, 2, 1, 0, 0, 0, 0, 0, 90, 0
                FROM generate_series(0, 2000 * 240 - 1) g""");
        plans.execute("""
                INSERT INTO analytics_rollups (tenant_id, grain, bucket, kind, subject_id, provider, received, rejected,
                    duplicates, attempts, succeeded, failed, calls, calls_2xx, calls_4xx, calls_5xx, calls_error,
                    latency_sum_ms, calls_3xx)
                SELECT tenant_id, 'hour', date_trunc('hour', bucket), kind, subject_id, provider, sum(received),
                       sum(rejected), sum(duplicates), sum(attempts), sum(succeeded), sum(failed), 0, 0, 0, 0, 0,
                       sum(latency_sum_ms), 0
                FROM analytics_rollups GROUP BY 1, 2, 3, 4, 5, 6""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    @Test
    void todaysSumsReadOneTenantsKeyRange() throws Exception {
        for (String grain : List.of("hour", "minute")) {
            String plan = plans.plan(
                    RollupRepository.SUMS,
                    Map.of(
                            "tenant",
                            "t7",
                            "grain",
                            grain,
                            "from",
                            Sql.ts(Instant.parse("2026-12-01T00:00:00Z")),
                            "to",
                            Sql.ts(Instant.parse("2026-12-02T00:00:00Z")),
                            "kinds",
                            List.of("source", "endpoint")));
            System.out.println("-- today's sums, " + grain + " rows\n" + plan);
            assertThat(plan).contains("analytics_rollups_pkey").doesNotContain("Seq Scan");
        }
    }
}
