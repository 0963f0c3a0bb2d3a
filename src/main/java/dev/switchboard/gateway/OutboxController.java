package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.RequestIds;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@Tag(name = "Provider API outbox")
@RestController
class OutboxController {

    record QueueRequest(String method, String path, JsonNode query, JsonNode headers, JsonNode body) {}

    record QueueJob(
            String connection,
            QueueRequest request,
            String idempotencyKey,
            Integer priority,
            String notBefore,
            Integer maxAttempts,
            String deadline,
            JsonNode metadata,
            JsonNode consent,
            JsonNode approval) {}

    record Queued(String id, String status) {}

    private final Outbox outbox;
    private final OutboxViews views;

    OutboxController(Outbox outbox, OutboxViews views) {
        this.outbox = outbox;
        this.views = views;
    }

    @Operation(summary = "Queue a call to a provider's API on a connection: 202 with the job, 200 for a repeated key")
    @PostMapping("/api/v1/tenants/{tenant}/outbox")
    ResponseEntity<Queued> queue(TenantScope scope, HttpServletRequest http, @RequestBody QueueJob q) {
        if (q.request() == null) throw ApiException.invalid("request", "is required");
        var queued = outbox.queue(new Outbox.Queue(
                scope.tenantId(),
                q.connection(),
                q.request().method(),
                q.request().path(),
                q.request().query(),
                q.request().headers(),
                q.request().body(),
                q.idempotencyKey(),
                q.priority(),
                q.notBefore(),
                q.maxAttempts(),
                q.deadline(),
                q.metadata(),
                q,
                scope.caller().keyId(),
                RequestIds.of(http),
                q.consent(),
                q.approval()));
        var answer = new Queued(queued.job().id(), queued.job().status());
        return switch (queued) {
            case Outbox.Queued.Accepted a -> ResponseEntity.accepted().body(answer);
            case Outbox.Queued.Repeated r -> ResponseEntity.ok(answer);
        };
    }

    @Operation(summary = "Outbox jobs, newest first; filters connection, provider, status, priority, since (RFC 3339)")
    @GetMapping("/api/v1/tenants/{tenant}/outbox")
    Page<OutboxViews.JobView> list(
            TenantScope scope,
            @RequestParam(required = false) String connection,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) Integer priority,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        var filter = Outbox.filter(connection, provider, status, priority, since);
        PageRequest page = PageRequest.of(limit, cursor);
        return outbox.page(scope.tenantId(), filter, page).map(views::job);
    }

    @Operation(summary = "One outbox job with every attempt (responses redacted)")
    @GetMapping("/api/v1/tenants/{tenant}/outbox/{id}")
    OutboxViews.JobDetail get(TenantScope scope, @PathVariable String id) {
        return views.detail(outbox.get(scope.tenantId(), id));
    }

    @Operation(summary = "Cancel a queued or held job (409 when in flight or finished)")
    @PostMapping("/api/v1/tenants/{tenant}/outbox/{id}/cancel")
    OutboxViews.JobView cancel(TenantScope scope, @PathVariable String id) {
        return views.job(outbox.cancel(scope.tenantId(), id));
    }

    @Operation(summary = "Queue a failed job again, as a new series of attempts (409 unless failed)")
    @PostMapping("/api/v1/tenants/{tenant}/outbox/{id}/retry")
    ResponseEntity<OutboxViews.JobView> retry(TenantScope scope, @PathVariable String id) {
        return ResponseEntity.accepted().body(views.job(outbox.retry(scope.tenantId(), id)));
    }
}
