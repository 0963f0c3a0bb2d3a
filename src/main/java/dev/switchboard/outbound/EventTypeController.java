package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.outbound.EventTypeRepository.EventType;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
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

    record CreateEventType(
            @NotBlank @Pattern(regexp = NAME, message = "letters, digits, '.', '_' and '-' only")
            String name,

            @Size(max = 1000) String description,
            Boolean deprecated) {}

    record UpdateEventType(@Size(max = 1000) String description, Boolean deprecated) {}

    private final EventTypeRepository types;
    private final TenantAccess access;
    private final Clock clock;

    EventTypeController(EventTypeRepository types, TenantAccess access, Clock clock) {
        this.types = types;
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
        try {
            types.insert(
                    tenant, body.name(), body.description(), Boolean.TRUE.equals(body.deprecated()), Sql.now(clock));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("The event type '" + body.name() + "' already exists.");
        }
        return ResponseEntity.status(201).body(find(tenant, body.name()));
    }

    @Operation(summary = "List event types")
    @GetMapping
    List<EventType> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenant) {
        access.read(caller, tenant);
        return types.list(tenant);
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
        if (!types.update(tenant, name, body.description(), body.deprecated(), Sql.now(clock))) {
            throw ApiException.notFound("event type");
        }
        return find(tenant, name);
    }

    @Operation(summary = "Delete an event type (messages of that type are still accepted)")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String name) {
        access.write(caller, tenant);
        if (!types.delete(tenant, name)) throw ApiException.notFound("event type");
        return ResponseEntity.noContent().build();
    }

    private EventType find(String tenant, String name) {
        return types.find(tenant, name).orElseThrow(() -> ApiException.notFound("event type"));
    }
}
