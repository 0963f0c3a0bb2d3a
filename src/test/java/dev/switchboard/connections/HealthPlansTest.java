package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.QueryPlans;
import dev.switchboard.testing.RequiresPostgres;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's last checks of a page of connections: one lookup per connection in the history's index
 * on (connection, time), never a scan of the history, on tables PostgreSQL has never analyzed.
 */
@RequiresPostgres
class HealthPlansTest {

    static QueryPlans plans;

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema("connections", "connection_health");
        plans.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
        plans.execute("INSERT INTO tenants VALUES ('t2', 't', 'active', now(), now())");
        // 2,000 connections, each checked every five minutes for a day (576,000 checks): enough that a scan
        // of the history costs far more than 200 index lookups, as a week's would.
        plans.execute("""
                INSERT INTO connections (id, tenant_id, provider, name, environment, state, config, refresh_failures,
                    health, health_checked_at, created_at, updated_at)
                SELECT 'conn' || g, CASE WHEN g % 2 = 0 THEN 't1' ELSE 't2' END, 'stripe', 'c' || g, 'live', 'active',
                       '{}', 0, 'healthy', timestamptz '2026-12-01T00:00:00Z', now(), now()
                FROM generate_series(0, 1999) g""");
        plans.execute("""
                INSERT INTO connection_health (id, tenant_id, connection_id, checked_at, status, status_code, latency_ms)
                SELECT 'chk' || g, CASE WHEN g % 2 = 0 THEN 't1' ELSE 't2' END, 'conn' || (g % 2000),
                       timestamptz '2026-12-01T00:00:00Z' - (g / 2000) * interval '5 minutes', 'healthy', 200, 40
                FROM generate_series(0, 2000 * 288 - 1) g""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    @Test
    void theLastChecksOfAPageOfConnectionsAreIndexLookups() throws Exception {
        List<String> ids =
                IntStream.range(0, 200).mapToObj(i -> "conn" + (i * 2)).toList();
        String plan = plans.plan(HealthRepository.LAST_CHECKS, Map.of("tenant", "t1", "ids", ids));
        System.out.println("-- the last checks of 200 connections\n" + plan);
        assertThat(plan).contains("connection_health_idx").doesNotContain("Seq Scan on connection_health");
    }
}
