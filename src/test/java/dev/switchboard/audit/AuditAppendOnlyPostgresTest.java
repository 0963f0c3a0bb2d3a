package dev.switchboard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On PostgreSQL the audit log refuses changes at the database: an entry is completed once (status,
 * created id) and never changed again; rows are deleted only by the purge, which says so in its
 * transaction; TRUNCATE is refused. Runs in the PostgreSQL pass of the suite.
 */
@EnabledIf(
        value = "dev.switchboard.testing.TestServices#suiteOnPostgres",
        disabledReason = "runs in the PostgreSQL pass")
class AuditAppendOnlyPostgresTest extends ServerTest {

    @Autowired
    TransactionTemplate tx;

    @Autowired
    AuditRepository entries;

    @Test
    void entriesCannotBeChangedOrDeletedOutsideThePurge() {
        String tenant = newTenant();
        var created = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"http://127.0.0.1:9/a\",\"disabled\":true}");
        assertThat(created.status()).isEqualTo(201);
        Map<String, Object> entry = jdbc.sql(
                        "SELECT * FROM audit_log WHERE tenant_id = :t AND action = 'endpoint.create'")
                .param("t", tenant)
                .query()
                .singleRow();
        String id = (String) entry.get("id");
        // Completed after the response, through the trigger's one allowed update.
        assertThat(((Number) entry.get("status")).intValue()).isEqualTo(201);
        assertThat(entry.get("target_id")).isEqualTo(created.json().get("id").asString());

        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_log SET status = 500 WHERE id = :id")
                        .param("id", id)
                        .update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_log SET actor = 'someone' WHERE id = :id")
                        .param("id", id)
                        .update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_log WHERE id = :id")
                        .param("id", id)
                        .update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_log").update()).hasMessageContaining("append-only");
        // An entry not yet completed may be completed once, and nothing else may change with it.
        jdbc.sql(
                        "INSERT INTO audit_log (id, occurred_at, tenant_id, action, outcome) VALUES ('aud_open', now(), :t, 'x', 'success')")
                .param("t", tenant)
                .update();
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_log SET status = 200, action = 'y' WHERE id = 'aud_open'")
                        .update())
                .hasMessageContaining("append-only");
        assertThat(entries.complete("aud_open", 200, "ep_1")).isTrue();
        assertThat(entries.complete("aud_open", 500, null)).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // The purge's own transaction may delete (what is old enough): the setting ends with it.
        jdbc.sql("INSERT INTO audit_log (id, occurred_at, tenant_id, action, outcome)"
                        + " VALUES ('aud_old', now() - interval '3000 days', :t, 'x', 'success')")
                .param("t", tenant)
                .update();
        Integer purged =
                tx.execute(s -> entries.purgeOlderThan(java.time.Instant.now().minusSeconds(86_400L * 2000), 10));
        assertThat(purged).isEqualTo(1);
        assertThatThrownBy(() ->
                        jdbc.sql("DELETE FROM audit_log WHERE id = 'aud_open'").update())
                .hasMessageContaining("append-only");
    }
}
