package dev.switchboard.outbound;

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
class EventTypeRepository {

    /** {@code schema} is the payload's JSON Schema as text, or null. */
    record EventType(
            String name, String description, String schema, boolean deprecated, Instant createdAt, Instant updatedAt) {}

    private static final RowMapper<EventType> ROW = (rs, n) -> new EventType(
            rs.getString("name"),
            rs.getString("description"),
            rs.getString("payload_schema"),
            rs.getBoolean("deprecated"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"));

    private final JdbcClient jdbc;

    EventTypeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Throws {@link org.springframework.dao.DuplicateKeyException} when the name is taken. */
    void insert(String tenantId, String name, String description, String schema, boolean deprecated, Instant now) {
        jdbc.sql("""
                INSERT INTO event_types (tenant_id, name, description, payload_schema, deprecated, created_at, updated_at)
                VALUES (:tenant, :name, :description, :schema, :deprecated, :now, :now)
                """)
                .param("tenant", tenantId)
                .param("name", name)
                .param("description", description)
                .param("schema", schema)
                .param("deprecated", deprecated)
                .param("now", ts(now))
                .update();
    }

    /**
     * One page in name order. The cursor's id is the last name of the previous page (its time is
     * not used: names are unique per tenant and sort the list people read).
     */
    List<EventType> page(String tenantId, PageRequest page) {
        String after = page.after() == null ? null : page.after().id();
        return jdbc.sql("SELECT * FROM event_types WHERE tenant_id = :tenant"
                        + (after == null ? "" : " AND name > :after")
                        + " ORDER BY name LIMIT :limit")
                .param("tenant", tenantId)
                .param("after", after)
                .param("limit", page.fetchSize())
                .query(ROW)
                .list();
    }

    Optional<EventType> find(String tenantId, String name) {
        return jdbc.sql("SELECT * FROM event_types WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenantId)
                .param("name", name)
                .query(ROW)
                .optional();
    }

    /**
     * Null arguments leave a column unchanged; {@code removeSchema} clears the schema. False when
     * there is no such type.
     */
    boolean update(
            String tenantId,
            String name,
            String description,
            String schema,
            boolean removeSchema,
            Boolean deprecated,
            Instant now) {
        return jdbc.sql("""
                        UPDATE event_types SET description = COALESCE(:description, description),
                            payload_schema = CASE WHEN :remove THEN NULL ELSE COALESCE(:schema, payload_schema) END,
                            deprecated = COALESCE(:deprecated, deprecated), updated_at = :now
                        WHERE tenant_id = :tenant AND name = :name
                        """)
                        .param("tenant", tenantId)
                        .param("name", name)
                        .param("description", description)
                        .param("schema", schema)
                        .param("remove", removeSchema)
                        .param("deprecated", deprecated)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    boolean delete(String tenantId, String name) {
        return jdbc.sql("DELETE FROM event_types WHERE tenant_id = :tenant AND name = :name")
                        .param("tenant", tenantId)
                        .param("name", name)
                        .update()
                == 1;
    }
}
