package dev.switchboard.outbound;

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
 * Outbound retention's selects, as generic plans on tables PostgreSQL never analyzed: each batch
 * reads the oldest rows from a time index (no scan of every message or attempt), and a message's
 * deliveries are looked up by message.
 */
@RequiresPostgres
class RetentionPlansTest {

    static QueryPlans plans;
    static final Object CUTOFF = Sql.ts(Instant.parse("2026-11-01T12:00:00Z"));

    @BeforeAll
    static void fill() throws Exception {
        plans = QueryPlans.freshSchema(
                "tenants", "endpoints", "messages", "deliveries", "delivery_attempts", "message_idempotency");
        plans.execute("INSERT INTO tenants VALUES ('t1', 't', 'active', now(), now())");
        plans.execute("""
                INSERT INTO endpoints (id, tenant_id, url, event_types, headers, status, created_at, updated_at)
                VALUES ('ep1', 't1', 'https://example.com', '[]', '[]', 'active', now(), now())""");
        plans.execute("""
                INSERT INTO messages (id, tenant_id, event_type, payload, created_at)
                SELECT 'msg' || g, 't1', 'x', '\\x00', TIMESTAMP WITH TIME ZONE '2026-10-01T00:00:00Z' + g * INTERVAL '1 minute'
                FROM generate_series(1, 40000) g""");
        plans.execute("""
                INSERT INTO deliveries (id, tenant_id, message_id, endpoint_id, status, attempts, created_at, updated_at)
                SELECT 'dlv' || g, 't1', 'msg' || g, 'ep1', CASE WHEN g % 10 = 0 THEN 'pending' ELSE 'succeeded' END,
                       1, now(), now()
                FROM generate_series(1, 40000) g""");
        plans.execute("""
                INSERT INTO delivery_attempts (id, tenant_id, delivery_id, message_id, endpoint_id, attempted_at,
                                               outcome, latency_ms)
                SELECT 'att' || g, 't1', 'dlv' || g, 'msg' || g, 'ep1',
                       TIMESTAMP WITH TIME ZONE '2026-10-01T00:00:00Z' + g * INTERVAL '1 minute', 'succeeded', 5
                FROM generate_series(1, 40000) g""");
    }

    @AfterAll
    static void close() throws Exception {
        plans.close();
    }

    static String plan(String what, String sql, Map<String, ?> params) throws Exception {
        String plan = plans.plan(sql, params);
        System.out.println("-- " + what + "\n" + plan);
        assertThat(plan).as(what).doesNotContain("Seq Scan on messages", "Seq Scan on delivery_attempts");
        return plan;
    }

    @Test
    void doneMessagesAreReadOldestFirstFromTheTimeIndex() throws Exception {
        String p = plan("done messages", RetentionRepository.DONE_MESSAGES, Map.of("cutoff", CUTOFF, "batch", 500));
        assertThat(p).contains("messages_created_idx").doesNotContain("Seq Scan on deliveries");
    }

    @Test
    void oldAttemptsAndKeysAreReadFromTheirTimeIndexes() throws Exception {
        assertThat(plan("old attempts", RetentionRepository.OLD_ATTEMPTS, Map.of("cutoff", CUTOFF, "batch", 500)))
                .contains("delivery_attempts_time_idx");
        assertThat(plan("old keys", RetentionRepository.OLD_KEYS, Map.of("cutoff", CUTOFF, "batch", 500)))
                .doesNotContain("Seq Scan on message_idempotency");
    }
}
