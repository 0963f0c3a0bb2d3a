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
class TenantRepository {

    private static final RowMapper<Tenant> ROW = (rs, n) -> new Tenant(
            rs.getString("id"),
            rs.getString("name"),
            Tenant.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
            instant(rs, "created_at"),
            instant(rs, "updated_at"));

    private final JdbcClient jdbc;

    TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Throws {@link org.springframework.dao.DuplicateKeyException} when the id is taken. */
    void insert(Tenant t) {
        jdbc.sql("""
                INSERT INTO tenants (id, name, status, created_at, updated_at)
                VALUES (:id, :name, :status, :created, :updated)
                """)
                .param("id", t.id())
                .param("name", t.name())
                .param("status", t.status().wire())
                .param("created", ts(t.createdAt()))
                .param("updated", ts(t.updatedAt()))
                .update();
    }

    Optional<Tenant> find(String id) {
        return jdbc.sql("SELECT * FROM tenants WHERE id = :id")
                .param("id", id)
                .query(ROW)
                .optional();
    }

    /** Locks the tenant's row until the transaction ends (per-tenant limits); false when there is none. */
    boolean lock(String id) {
        return jdbc.sql("SELECT id FROM tenants WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(String.class)
                .optional()
                .isPresent();
    }

    boolean exists(String id) {
        return jdbc.sql("SELECT count(*) FROM tenants WHERE id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Newest first; the cursor is the (created_at, id) of the last row of the previous page. */
    List<Tenant> page(PageRequest page) {
        return page.select(jdbc, "SELECT * FROM tenants WHERE 1 = 1", "created_at")
                .query(ROW)
                .list();
    }

    /** Null arguments leave a column unchanged. Returns false when no such tenant exists. */
    boolean update(String id, String name, Tenant.Status status, Instant now) {
        return jdbc.sql("""
                        UPDATE tenants
                        SET name = COALESCE(:name, name), status = COALESCE(:status, status), updated_at = :now
                        WHERE id = :id
                        """)
                        .param("id", id)
                        .param("name", name)
                        .param("status", status == null ? null : status.wire())
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    Tenants.Counts countByStatus() {
        var counts = jdbc.sql("SELECT status, count(*) AS n FROM tenants GROUP BY status")
                .query((rs, n) -> java.util.Map.entry(rs.getString("status"), rs.getLong("n")))
                .list();
        long active = 0, disabled = 0;
        for (var c : counts) {
            if (c.getKey().equals(Tenant.Status.ACTIVE.wire())) active = c.getValue();
            else disabled += c.getValue();
        }
        return new Tenants.Counts(active, disabled);
    }
}
