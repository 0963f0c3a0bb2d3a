package dev.switchboard.inbound;

import dev.switchboard.inbound.Events.EventDetail;
import dev.switchboard.inbound.Events.EventQuery;
import dev.switchboard.inbound.Events.EventsPage;
import dev.switchboard.inbound.Events.Replayed;
import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Inbound events")
@RestController
class EventController {

    private final Events events;
    private final EventReplays replays;

    EventController(Events events, EventReplays replays) {
        this.events = events;
        this.replays = replays;
    }

    @Operation(summary = "List a tenant's inbound events, newest first, with optional counts by provider and type")
    @GetMapping("/api/v1/tenants/{tenant}/events")
    EventsPage list(TenantScope scope, @ParameterObject EventQuery query) {
        return events.search(scope.tenantId(), query);
    }

    @Operation(summary = "List inbound events across every tenant (platform admin)")
    @GetMapping("/api/v1/events")
    EventsPage listAll(
            PlatformAdmin admin, @RequestParam(required = false) String tenant, @ParameterObject EventQuery query) {
        return events.search(tenant, query);
    }

    @Operation(summary = "Get one event: redacted headers, verification, processing runs, body as text, CloudEvent")
    @GetMapping("/api/v1/tenants/{tenant}/events/{id}")
    EventDetail get(TenantScope scope, @PathVariable String id) {
        return events.detail(scope.tenantId(), id);
    }

    @Operation(summary = "The exact bytes received, with the original content type")
    @GetMapping("/api/v1/tenants/{tenant}/events/{id}/raw")
    ResponseEntity<byte[]> raw(TenantScope scope, @PathVariable String id) {
        var raw = events.raw(scope.tenantId(), id);
        MediaType type;
        try {
            type = raw.contentType() == null
                    ? MediaType.APPLICATION_OCTET_STREAM
                    : MediaType.parseMediaType(raw.contentType());
        } catch (RuntimeException invalid) {
            type = MediaType.APPLICATION_OCTET_STREAM;
        }
        // A sender's bytes served from our origin: never rendered as a page.
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + "\"")
                .header("Content-Security-Policy", "sandbox")
                .body(raw.body());
    }

    @Operation(summary = "Route the event again: a new processing run with the same event id")
    @PostMapping("/api/v1/tenants/{tenant}/events/{id}/replay")
    ResponseEntity<Replayed> replay(TenantScope scope, @PathVariable String id) {
        return ResponseEntity.accepted().body(events.replay(scope.tenantId(), id));
    }

    @Operation(
            summary = "Replay every event matching a filter (the list's), as a job: at most max (≤ 10 000), oldest"
                    + " first, only events received before the request; 202 with the job")
    @PostMapping("/api/v1/tenants/{tenant}/events/replay")
    ResponseEntity<EventReplays.View> replayMany(
            TenantScope scope, @org.springframework.web.bind.annotation.RequestBody EventReplays.Request body) {
        var job = replays.start(scope.tenantId(), body);
        return ResponseEntity.accepted()
                .location(java.net.URI.create("/api/v1/tenants/" + scope.tenantId() + "/events/replay/" + job.id()))
                .body(job);
    }

    @Operation(summary = "A bulk replay job's progress")
    @GetMapping("/api/v1/tenants/{tenant}/events/replay/{job}")
    EventReplays.View replayJob(TenantScope scope, @PathVariable String job) {
        return replays.find(scope.tenantId(), job);
    }
}
