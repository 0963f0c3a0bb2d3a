package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class SourceRepository {

    /** A source with its encrypted secrets, for ingest. */
    record WithSecrets(Source source, byte[] secret, byte[] previousSecret, boolean tenantActive, byte[] verifyToken) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<Source> row;

    SourceRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.row = (rs, n) -> new Source(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                Provider.fromWire(rs.getString("provider")),
                json.readValue(rs.getString("options"), SourceOptions.class),
                Source.Status.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                rs.getString("secret_hint"),
                instant(rs, "previous_secret_expires_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    /** Sources that count against the tenant's limit: every one not deleted. */
    long countLive(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM sources WHERE tenant_id = :tenant AND status <> 'deleted'")
                .param("tenant", tenantId)
                .query(Long.class)
                .single();
    }

    void insert(Source s, byte[] secret, byte[] verifyToken) {
        jdbc.sql("""
                INSERT INTO sources (id, tenant_id, name, provider, options, status, secret, secret_hint,
                                     verify_token, created_at, updated_at)
                VALUES (:id, :tenant, :name, :provider, :options, :status, :secret, :hint, :verifyToken,
                        :created, :updated)
                """)
                .param("verifyToken", verifyToken)
                .param("id", s.id())
                .param("tenant", s.tenantId())
                .param("name", s.name())
                .param("provider", s.provider().wire())
                .param("options", json.writeValueAsString(s.options()))
                .param("status", s.status().wire())
                .param("secret", secret)
                .param("hint", s.secretHint())
                .param("created", ts(s.createdAt()))
                .param("updated", ts(s.updatedAt()))
                .update();
    }

    /** A tenant's source, unless deleted. */
    Optional<Source> findForTenant(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM sources WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'")
                .param("tenant", tenantId)
                .param("id", id)
                .query(row)
                .optional();
    }

    /** For ingest: any tenant's source by its id (the ingest URL is the only credential-free lookup). */
    Optional<WithSecrets> findForIngest(String id) {
        return jdbc.sql("""
                SELECT s.*, t.status AS tenant_status FROM sources s JOIN tenants t ON t.id = s.tenant_id
                WHERE s.id = :id AND s.status <> 'deleted'
                """)
                .param("id", id)
                .query((rs, n) -> new WithSecrets(
                        row.mapRow(rs, n),
                        rs.getBytes("secret"),
                        rs.getBytes("previous_secret"),
                        "active".equals(rs.getString("tenant_status")),
                        rs.getBytes("verify_token")))
                .optional();
    }

    List<Source> pageForTenant(String tenantId, PageRequest page) {
        return page.select(
                        jdbc, "SELECT * FROM sources WHERE tenant_id = :tenant AND status <> 'deleted'", "created_at")
                .param("tenant", tenantId)
                .query(row)
                .list();
    }

    /** Null arguments leave a column unchanged. */
    boolean update(String tenantId, String id, String name, SourceOptions options, Source.Status status, Instant now) {
        return jdbc.sql("""
                        UPDATE sources SET name = COALESCE(:name, name), options = COALESCE(:options, options),
                                           status = COALESCE(:status, status), updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("name", name)
                        .param("options", options == null ? null : json.writeValueAsString(options))
                        .param("status", status == null ? null : status.wire())
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    boolean rotate(
            String tenantId,
            String id,
            byte[] secret,
            String hint,
            byte[] previous,
            Instant previousUntil,
            Instant now) {
        return jdbc.sql("""
                        UPDATE sources SET secret = :secret, secret_hint = :hint, previous_secret = :previous,
                                           previous_secret_expires_at = :until, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("secret", secret)
                        .param("hint", hint)
                        .param("previous", previous)
                        .param("until", ts(previousUntil))
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Deleting destroys the secrets; the row stays because events refer to it. */
    boolean delete(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE sources SET status = 'deleted', secret = NULL, previous_secret = NULL, verify_token = NULL,
                                           previous_secret_expires_at = NULL, secret_hint = NULL, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** The tenant's sources counted for the dashboard's stat cards; see {@link SourceCounts}. */
    SourceCounts.Summary countsForTenant(String tenantId) {
        return jdbc.sql("""
                        SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active,
                               COALESCE(SUM(CASE WHEN status = 'disabled' THEN 1 ELSE 0 END), 0) AS disabled
                        FROM sources WHERE tenant_id = :tenant
                        """)
                .param("tenant", tenantId)
                .query((rs, n) -> new SourceCounts.Summary(rs.getLong("active"), rs.getLong("disabled")))
                .single();
    }
}
