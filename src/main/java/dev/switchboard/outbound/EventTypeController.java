package dev.switchboard.outbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The event types a tenant sends. Declaring one documents it; messages of undeclared types are
 * accepted too (inbound types such as {@code stripe.invoice.paid} are subscribable without it).
 */
@Tag(name = "Event types")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/event-types")
class EventTypeController {

    static final String NAME = "[A-Za-z0-9_.-]{1,200}";

    record EventType(String name, String description, boolean deprecated, Instant createdAt, Instant updatedAt) {}

    record CreateEventType(
            @NotBlank @Pattern(regexp = NAME, message = "letters, digits, '.', '_' and '-' only")
            String name,

            @Size(max = 1000) String description,
            Boolean deprecated) {}

    record UpdateEventType(@Size(max = 1000) String description, Boolean deprecated) {}

    private static final RowMapper<EventType> ROW = (rs, n) -> new EventType(
            rs.getString("name"),
            rs.getString("description"),
            rs.getBoolean("deprecated"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"));

    private final JdbcClient jdbc;
    private final TenantAccess access;
    private final Clock clock;

    EventTypeController(JdbcClient jdbc, TenantAccess access, Clock clock) {
        this.jdbc = jdbc;
        this.access = access;
        this.clock = clock;
    }

    @Operation(summary = "Declare an event type")
    @PostMapping
    ResponseEntity<EventType> create(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @Valid @RequestBody CreateEventType body) {
        access.write(caller, tenant);
        Instant now = Sql.now(clock);
        try {
            jdbc.sql("""
                    INSERT INTO event_types (tenant_id, name, description, deprecated, created_at, updated_at)
                    VALUES (:tenant, :name, :description, :deprecated, :now, :now)
                    """)
                    .param("tenant", tenant)
                    .param("name", body.name())
                    .param("description", body.description())
                    .param("deprecated", Boolean.TRUE.equals(body.deprecated()))
                    .param("now", ts(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("The event type '" + body.name() + "' already exists.");
        }
        return ResponseEntity.status(201).body(find(tenant, body.name()));
    }

    @Operation(summary = "List event types")
    @GetMapping
    List<EventType> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenant) {
        access.read(caller, tenant);
        return jdbc.sql("SELECT * FROM event_types WHERE tenant_id = :tenant ORDER BY name")
                .param("tenant", tenant)
                .query(ROW)
                .list();
    }

    @Operation(summary = "Get an event type")
    @GetMapping("/{name}")
    EventType get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String name) {
        access.read(caller, tenant);
        return find(tenant, name);
    }

    @Operation(summary = "Change an event type's description or deprecation")
    @PatchMapping("/{name}")
    EventType update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String name,
            @Valid @RequestBody UpdateEventType body) {
        access.write(caller, tenant);
        int n = jdbc.sql("""
                UPDATE event_types SET description = COALESCE(:description, description),
                    deprecated = COALESCE(:deprecated, deprecated), updated_at = :now
                WHERE tenant_id = :tenant AND name = :name
                """)
                .param("tenant", tenant)
                .param("name", name)
                .param("description", body.description())
                .param("deprecated", body.deprecated())
                .param("now", ts(Sql.now(clock)))
                .update();
        if (n == 0) throw ApiException.notFound("event type");
        return find(tenant, name);
    }

    @Operation(summary = "Delete an event type (messages of that type are still accepted)")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String name) {
        access.write(caller, tenant);
        int n = jdbc.sql("DELETE FROM event_types WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenant)
                .param("name", name)
                .update();
        if (n == 0) throw ApiException.notFound("event type");
        return ResponseEntity.noContent().build();
    }

    private EventType find(String tenant, String name) {
        return jdbc.sql("SELECT * FROM event_types WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenant)
                .param("name", name)
                .query(ROW)
                .optional()
                .orElseThrow(() -> ApiException.notFound("event type"));
    }
}
