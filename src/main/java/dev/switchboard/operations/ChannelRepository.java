package dev.switchboard.operations;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Alert channels; every query names the tenant (or the platform) it reads for. */
@Repository
class ChannelRepository {

    private final JdbcClient jdbc;
    private final ScopedRows<Channel> rows;

    ChannelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.rows = new ScopedRows<>(jdbc, "alert_channels", ChannelRepository::map);
    }

    void insert(Channel c, byte[] sealedUrl) {
        jdbc.sql("""
                INSERT INTO alert_channels (id, tenant_id, name, kind, url, url_hint, enabled, created_at, updated_at)
                VALUES (:id, :tenant, :name, :kind, :url, :hint, :enabled, :at, :at)
                """)
                .param("id", c.id())
                .param("tenant", c.tenantId())
                .param("name", c.name())
                .param("kind", c.kind().wire())
                .param("url", sealedUrl)
                .param("hint", c.urlHint())
                .param("enabled", c.enabled())
                .param("at", ts(c.createdAt()))
                .update();
    }

    Optional<Channel> find(String tenantId, String id) {
        return rows.find(tenantId, id);
    }

    List<Channel> page(String tenantId, PageRequest page) {
        return rows.page(tenantId, page);
    }

    /** The enabled channels an alert of this scope goes to. */
    List<Channel> enabledOf(String tenantId) {
        return jdbc.sql("SELECT * FROM alert_channels WHERE tenant_id = :tenant AND enabled = TRUE ORDER BY id")
                .param("tenant", tenantId)
                .query(ChannelRepository::map)
                .list();
    }

    byte[] sealedUrl(String tenantId, String id) {
        return jdbc.sql("SELECT url FROM alert_channels WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(byte[].class)
                .optional()
                .orElse(null);
    }

    boolean update(
            String tenantId, String id, String name, byte[] sealedUrl, String hint, Boolean enabled, Instant now) {
        return jdbc.sql("""
                UPDATE alert_channels SET name = COALESCE(:name, name), url = COALESCE(:url, url),
                    url_hint = COALESCE(:hint, url_hint), enabled = COALESCE(:enabled, enabled), updated_at = :now
                WHERE tenant_id = :tenant AND id = :id
                """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("name", name)
                        .param("url", sealedUrl, java.sql.Types.BINARY)
                        .param("hint", hint)
                        .param("enabled", enabled, java.sql.Types.BOOLEAN)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    boolean delete(String tenantId, String id) {
        return rows.delete(tenantId, id);
    }

    long count(String tenantId) {
        return rows.count(tenantId);
    }

    private static Channel map(ResultSet rs, int n) throws SQLException {
        return new Channel(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                Channel.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("url_hint"),
                rs.getBoolean("enabled"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
