package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.outbound.EventTypeRepository.EventType;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event types a tenant sends. Declaring one documents it; messages of undeclared types are
 * accepted too (inbound types such as {@code stripe.invoice.paid} are subscribable without it).
 */
@Tag(name = "Event types")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/event-types")
class EventTypeController {

    static final String NAME = "[A-Za-z0-9_.-]{1,200}";

    record CreateEventType(
            @NotBlank @Pattern(regexp = NAME, message = "letters, digits, '.', '_' and '-' only")
            String name,

            @Size(max = 1000) String description,
            JsonNode schema,
            Boolean deprecated) {}

    /** {@code "schema": null} removes the schema; leaving it out keeps it. */
    record UpdateEventType(@Size(max = 1000) String description, JsonNode schema, Boolean deprecated) {}

    /** An event type as shown: the schema as JSON. */
    record EventTypeView(
            String name,
            String description,
            JsonNode schema,
            boolean deprecated,
            Instant createdAt,
            Instant updatedAt) {}

    /** Schemas are stored as text; this bounds one. */
    static final int MAX_SCHEMA_CHARS = 65_536;

    private final EventTypeRepository types;
    private final PayloadSchemas schemas;
    private final JsonMapper json;
    private final Clock clock;

    EventTypeController(EventTypeRepository types, PayloadSchemas schemas, JsonMapper json, Clock clock) {
        this.types = types;
        this.schemas = schemas;
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "Declare an event type")
    @PostMapping
    ResponseEntity<EventTypeView> create(TenantScope scope, @Valid @RequestBody CreateEventType body) {
        String tenant = scope.tenantId();
        String schema = schemaText(body.schema());
        try {
            types.insert(
                    tenant,
                    body.name(),
                    body.description(),
                    schema,
                    Boolean.TRUE.equals(body.deprecated()),
                    Sql.now(clock));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("The event type '" + body.name() + "' already exists.");
        }
        return ResponseEntity.status(201).body(find(tenant, body.name()));
    }

    @Operation(summary = "List event types, by name")
    @GetMapping
    Page<EventTypeView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(types.page(scope.tenantId(), page), page, t -> new Cursor(t.createdAt(), t.name()))
                .map(this::view);
    }

    @Operation(summary = "Get an event type")
    @GetMapping("/{name}")
    EventTypeView get(TenantScope scope, @PathVariable String name) {
        String tenant = scope.tenantId();
        return find(tenant, name);
    }

    @Operation(summary = "Change an event type's description, schema or deprecation")
    @PatchMapping("/{name}")
    EventTypeView update(TenantScope scope, @PathVariable String name, @Valid @RequestBody UpdateEventType body) {
        String tenant = scope.tenantId();
        boolean remove = body.schema() != null && body.schema().isNull();
        String schema = remove ? null : schemaText(body.schema());
        if (!types.update(tenant, name, body.description(), schema, remove, body.deprecated(), Sql.now(clock))) {
            throw ApiException.notFound("event type");
        }
        return find(tenant, name);
    }

    @Operation(summary = "Delete an event type (messages of that type are still accepted)")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String name) {
        String tenant = scope.tenantId();
        if (!types.delete(tenant, name)) throw ApiException.notFound("event type");
        return ResponseEntity.noContent().build();
    }

    private EventTypeView find(String tenant, String name) {
        return view(types.find(tenant, name).orElseThrow(() -> ApiException.notFound("event type")));
    }

    private EventTypeView view(EventType t) {
        return new EventTypeView(
                t.name(),
                t.description(),
                t.schema() == null ? null : json.readTree(t.schema()),
                t.deprecated(),
                t.createdAt(),
                t.updatedAt());
    }

    /** The schema checked and as stored, or null when none was given. */
    private String schemaText(JsonNode schema) {
        if (schema == null) return null;
        schemas.check("schema", schema);
        String text = json.writeValueAsString(schema);
        if (text.length() > MAX_SCHEMA_CHARS) {
            throw ApiException.invalid("schema", "must be at most " + MAX_SCHEMA_CHARS + " characters");
        }
        return text;
    }
}
