package dev.switchboard.calllog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.testing.QueryPlans;
import dev.switchboard.testing.RequiresPostgres;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The call log's statements on a table PostgreSQL has never analyzed, as generic plans: a tenant's
 * page and a connection's page read their indexes in order (no sort of the tenant's whole log),
 * and retention reads the time index.
 */
@RequiresPostgres
class CallLogPlansTest {

    static QueryPlans plans;
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema("tenants", "provider_calls");
        plans.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
        plans.execute("INSERT INTO tenants VALUES ('t2', 't', 'active', now(), now())");
        plans.execute("""
                INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                    latency_ms, request_bytes, response_bytes, called_at)
                SELECT 'call' || g, CASE WHEN g % 2 = 0 THEN 't1' ELSE 't2' END, 'conn' || (g % 20), 'stripe',
                       'outbox', 'POST', '/v1/charges/' || g, 200, 10, 0, 0,
                       TIMESTAMP WITH TIME ZONE '2026-11-01T00:00:00Z' + g * INTERVAL '1 minute'
                FROM generate_series(1, 40000) g""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    static String plan(String what, String sql, Map<String, ?> params) throws Exception {
        String plan = plans.plan(sql, params);
        System.out.println("-- " + what + "\n" + plan);
        assertThat(plan).as(what).doesNotContain("Seq Scan on provider_calls");
        return plan;
    }

    /** The list statement exactly as the repository builds it, with a cursor. */
    static String page(CallRepository.Filter filter) throws Exception {
        String first = pageOf(filter, PageRequest.of(null, null));
        assertThat(first).doesNotContain("Sort Key");
        return pageOf(filter, PageRequest.of(null, new Cursor(NOW, "call9").encode()));
    }

    static String pageOf(CallRepository.Filter filter, PageRequest page) throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = CallRepository.pageSql(filter, page, params);
        return plan(filter + " " + page, sql, params);
    }

    static CallRepository.Filter filter(String connection, String search) {
        return new CallRepository.Filter("t1", connection, null, null, null, null, null, false, search, null, null);
    }

    @Test
    void aTenantsPageReadsTheTenantIndexInOrder() throws Exception {
        String p = page(filter(null, null));
        assertThat(p).contains("provider_calls_tenant_idx").doesNotContain("Sort Key");
    }

    @Test
    void aConnectionsPageReadsTheConnectionIndexInOrder() throws Exception {
        String p = page(filter("conn4", null));
        assertThat(p).contains("provider_calls_connection_idx").doesNotContain("Sort Key");
    }

    /**
     * A text search has no index of its own (a substring of the path): it reads the tenant's calls
     * through the tenant index (narrowed by since/until when given), never the whole table. The
     * planner may sort what it finds, as it expects few matches.
     */
    @Test
    void aPathSearchReadsOnlyTheTenantsCalls() throws Exception {
        String p = pageOf(filter(null, "charges"), PageRequest.of(null, null));
        assertThat(p).contains("provider_calls_tenant_idx");
    }

    @Test
    void retentionReadsTheTimeIndex() throws Exception {
        String p = plan(
                "retention",
                CallRepository.OLDEST,
                Map.of("cutoff", Sql.ts(NOW.minusSeconds(86400 * 20)), "batch", 500));
        assertThat(p).contains("provider_calls_time_idx");
    }
}
