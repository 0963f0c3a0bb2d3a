package dev.switchboard.approvals;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A tenant's approval rules and settings, and the running size of each batch id. */
@Repository
class ApprovalRuleRepository {

    record Rule(
            String id,
            String tenantId,
            String name,
            String provider,
            String pathPattern,
            Map<String, String> metadata,
            Integer batchOver,
            boolean fourEyes,
            Integer expiresInSeconds,
            Instant createdAt) {}

    /** {@code slackSigningSecret} is the vault's ciphertext, never the secret. */
    record Settings(
            String tenantId,
            boolean fourEyes,
            int expiresInSeconds,
            String slackConnectionId,
            String slackChannel,
            byte[] slackSigningSecret,
            Map<String, String> slackApprovers,
            Instant updatedAt) {

        boolean slack() {
            return slackConnectionId != null && slackChannel != null;
        }
    }

    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ApprovalRuleRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insertRule(Rule r) {
        jdbc.sql("""
                INSERT INTO approval_rules (id, tenant_id, name, provider, path_pattern, metadata, batch_over, four_eyes,
                    expires_in_seconds, created_at)
                VALUES (:id, :tenant, :name, :provider, :path, :metadata, :batchOver, :fourEyes, :expires, :created)
                """)
                .param("id", r.id())
                .param("tenant", r.tenantId())
                .param("name", r.name())
                .param("provider", r.provider())
                .param("path", r.pathPattern())
                .param("metadata", json.writeValueAsString(r.metadata()))
                .param("batchOver", r.batchOver())
                .param("fourEyes", r.fourEyes())
                .param("expires", r.expiresInSeconds())
                .param("created", ts(r.createdAt()))
                .update();
    }

    /** Oldest first: the first rule that matches a job is the one it is held by. */
    List<Rule> rulesForTenant(String tenantId) {
        return jdbc.sql("SELECT * FROM approval_rules WHERE tenant_id = :tenant ORDER BY created_at, id")
                .param("tenant", tenantId)
                .query((rs, n) -> new Rule(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("name"),
                        rs.getString("provider"),
                        rs.getString("path_pattern"),
                        json.readValue(rs.getString("metadata"), MAP),
                        (Integer) rs.getObject("batch_over"),
                        rs.getBoolean("four_eyes"),
                        (Integer) rs.getObject("expires_in_seconds"),
                        instant(rs, "created_at")))
                .list();
    }

    boolean deleteRuleForTenant(String tenantId, String id) {
        return jdbc.sql("DELETE FROM approval_rules WHERE tenant_id = :tenant AND id = :id")
                        .param("tenant", tenantId)
                        .param("id", id)
                        .update()
                == 1;
    }

    Optional<Settings> settingsForTenant(String tenantId) {
        return jdbc.sql("SELECT * FROM approval_settings WHERE tenant_id = :tenant")
                .param("tenant", tenantId)
                .query((rs, n) -> new Settings(
                        rs.getString("tenant_id"),
                        rs.getBoolean("four_eyes"),
                        rs.getInt("expires_in_seconds"),
                        rs.getString("slack_connection_id"),
                        rs.getString("slack_channel"),
                        rs.getBytes("slack_signing_secret"),
                        json.readValue(rs.getString("slack_approvers"), MAP),
                        instant(rs, "updated_at")))
                .optional();
    }

    /** Writes a tenant's settings whole (the caller merged what was kept). */
    void saveSettings(Settings s) {
        int updated = jdbc.sql("""
                UPDATE approval_settings SET four_eyes = :fourEyes, expires_in_seconds = :expires,
                    slack_connection_id = :connection, slack_channel = :channel, slack_signing_secret = :secret,
                    slack_approvers = :approvers, updated_at = :now
                WHERE tenant_id = :tenant
                """).params(settingsParams(s)).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO approval_settings (tenant_id, four_eyes, expires_in_seconds, slack_connection_id,
                        slack_channel, slack_signing_secret, slack_approvers, updated_at)
                    VALUES (:tenant, :fourEyes, :expires, :connection, :channel, :secret, :approvers, :now)
                    """).params(settingsParams(s)).update();
        }
    }

    private Map<String, Object> settingsParams(Settings s) {
        var p = new java.util.HashMap<String, Object>();
        p.put("tenant", s.tenantId());
        p.put("fourEyes", s.fourEyes());
        p.put("expires", s.expiresInSeconds());
        p.put("connection", s.slackConnectionId());
        p.put("channel", s.slackChannel());
        p.put("secret", s.slackSigningSecret());
        p.put("approvers", json.writeValueAsString(s.slackApprovers()));
        p.put("now", ts(s.updatedAt()));
        return p;
    }

    /**
     * Counts one more job for a batch id and returns the batch's size with it. The row's lock orders
     * concurrent jobs of one batch, so each sees its own count.
     */
    int countIntoBatch(String tenantId, String batch, Instant now) {
        // ON CONFLICT, not a caught duplicate key: on PostgreSQL a failed insert would abort the
        // transaction the job is being stored in.
        jdbc.sql("""
                INSERT INTO approval_batches (tenant_id, batch_id, jobs, created_at) VALUES (:tenant, :batch, 0, :now)
                ON CONFLICT DO NOTHING
                """)
                .param("tenant", tenantId)
                .param("batch", batch)
                .param("now", ts(now))
                .update();
        jdbc.sql("UPDATE approval_batches SET jobs = jobs + 1 WHERE tenant_id = :tenant AND batch_id = :batch")
                .param("tenant", tenantId)
                .param("batch", batch)
                .update();
        return jdbc.sql("SELECT jobs FROM approval_batches WHERE tenant_id = :tenant AND batch_id = :batch")
                .param("tenant", tenantId)
                .param("batch", batch)
                .query(Integer.class)
                .single();
    }
}
