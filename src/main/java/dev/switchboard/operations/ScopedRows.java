package dev.switchboard.operations;

import dev.switchboard.common.PageRequest;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The reads and the delete that alert channels and rules share: rows owned by a scope (a tenant, or
 * {@link Alerting#PLATFORM}), each query naming the scope, paged by (created_at, id). The table name
 * is a constant of the owning repository, never input.
 */
final class ScopedRows<T> {

    private final JdbcClient jdbc;
    private final String table;
    private final RowMapper<T> mapper;

    ScopedRows(JdbcClient jdbc, String table, RowMapper<T> mapper) {
        this.jdbc = jdbc;
        this.table = table;
        this.mapper = mapper;
    }

    Optional<T> find(String scope, String id) {
        return jdbc.sql("SELECT * FROM " + table + " WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", scope)
                .param("id", id)
                .query(mapper)
                .optional();
    }

    List<T> page(String scope, PageRequest page) {
        return page.select(jdbc, "SELECT * FROM " + table + " WHERE tenant_id = :tenant", "created_at")
                .param("tenant", scope)
                .query(mapper)
                .list();
    }

    boolean delete(String scope, String id) {
        return jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = :tenant AND id = :id")
                        .param("tenant", scope)
                        .param("id", id)
                        .update()
                == 1;
    }

    long count(String scope) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = :tenant")
                .param("tenant", scope)
                .query(Long.class)
                .single();
    }
}
