package dev.switchboard.tenancy;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyRepository {

    private static final RowMapper<ApiKey> ROW = (rs, n) -> new ApiKey(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getString("name"),
            Role.fromWire(rs.getString("role")),
            rs.getString("prefix"),
            instant(rs, "created_at"),
            instant(rs, "revoked_at"));

    /** What authentication needs: the hash, and whether the key and its tenant are live. */
    record Credential(String keyId, String tenantId, Role role, byte[] hash, boolean live) {}

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ApiKey key, byte[] hash) {
        jdbc.sql("""
                INSERT INTO api_keys (id, tenant_id, name, role, prefix, secret_hash, created_at)
                VALUES (:id, :tenant, :name, :role, :prefix, :hash, :created)
                """)
                .param("id", key.id())
                .param("tenant", key.tenantId())
                .param("name", key.name())
                .param("role", key.role().wire())
                .param("prefix", key.prefix())
                .param("hash", hash)
                .param("created", ts(key.createdAt()))
                .update();
    }

    Optional<Credential> credential(String keyId) {
        return jdbc.sql("""
                SELECT k.id, k.tenant_id, k.role, k.secret_hash, k.revoked_at, t.status
                FROM api_keys k LEFT JOIN tenants t ON t.id = k.tenant_id
                WHERE k.id = :id
                """)
                .param("id", keyId)
                .query((rs, n) -> new Credential(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        Role.fromWire(rs.getString("role")),
                        rs.getBytes("secret_hash"),
                        rs.getObject("revoked_at") == null
                                && (rs.getString("tenant_id") == null || "active".equals(rs.getString("status")))))
                .optional();
    }

    Optional<ApiKey> findForTenant(String tenantId, String keyId) {
        return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", keyId)
                .query(ROW)
                .optional();
    }

    /** Newest first, revoked keys included (they show when they were revoked). */
    List<ApiKey> pageForTenant(String tenantId, PageRequest page) {
        return page.select(jdbc, "SELECT * FROM api_keys WHERE tenant_id = :tenant", "created_at")
                .param("tenant", tenantId)
                .query(ROW)
                .list();
    }

    /** Revokes a live key; false when there is no such key of this tenant (or it was already revoked). */
    boolean revokeForTenant(String tenantId, String keyId, Instant now) {
        return jdbc.sql("""
                        UPDATE api_keys SET revoked_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND revoked_at IS NULL
                        """)
                        .param("tenant", tenantId)
                        .param("id", keyId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Keys that count against the tenant's limit: every one not revoked. */
    long countLive(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM api_keys WHERE tenant_id = :tenant AND revoked_at IS NULL")
                .param("tenant", tenantId)
                .query(Long.class)
                .single();
    }

    /** Revokes every stored platform key (only ever generated ones); returns how many. */
    int revokePlatformKeys(Instant now) {
        return jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE tenant_id IS NULL AND revoked_at IS NULL")
                .param("now", ts(now))
                .update();
    }

    boolean anyLivePlatformKey() {
        return jdbc.sql("SELECT count(*) FROM api_keys WHERE tenant_id IS NULL AND revoked_at IS NULL")
                        .query(Long.class)
                        .single()
                > 0;
    }
}
