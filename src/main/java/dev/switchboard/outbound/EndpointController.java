package dev.switchboard.outbound;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.outbound.Endpoints.CreateEndpoint;
import dev.switchboard.outbound.Endpoints.UpdateEndpoint;
import dev.switchboard.tenancy.TenantScope;
import dev.switchboard.tenancy.WriteAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
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
import tools.jackson.databind.json.JsonMapper;

@Tag(name = "Outbound endpoints")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/endpoints")
class EndpointController {

    record RotateSecret(@Min(0) @Max(604_800) Long graceSeconds) {}

    record Recover(@NotNull String since) {}

    record Recovered(int requeued) {}

    record TestSent(String messageId) {}

    record SecretView(String key) {
        @Override
        public String toString() {
            return "SecretView[redacted]";
        }
    }

    private final Endpoints endpoints;
    private final JsonMapper json;

    EndpointController(Endpoints endpoints, JsonMapper json) {
        this.endpoints = endpoints;
        this.json = json;
    }

    @Operation(summary = "Create an endpoint; the response is the only one that shows its signing secret")
    @PostMapping
    ResponseEntity<EndpointView> create(TenantScope scope, @Valid @RequestBody CreateEndpoint body) {
        var created = endpoints.create(scope.tenantId(), body);
        Endpoint e = created.endpoint();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + e.tenantId() + "/endpoints/" + e.id()))
                .body(EndpointView.of(e, created.secret().reveal(), EndpointView.Audience.WRITER, json));
    }

    @Operation(summary = "List endpoints (a viewer key sees each URL's origin only)")
    @GetMapping
    Page<EndpointView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        var rows = Page.of(endpoints.page(scope.tenantId(), page), page, e -> new Cursor(e.createdAt(), e.id()));
        var activity = endpoints.activity(
                scope.tenantId(), rows.data().stream().map(Endpoint::id).toList());
        return rows.map(e -> EndpointView.of(e, null, audience(scope), json, activity.get(e.id())));
    }

    @Operation(summary = "Get an endpoint (a viewer key sees its URL's origin only)")
    @GetMapping("/{id}")
    EndpointView get(TenantScope scope, @PathVariable String id) {
        Endpoint e = endpoints.find(scope.tenantId(), id);
        var activity = endpoints.activity(scope.tenantId(), java.util.List.of(id));
        return EndpointView.of(e, null, audience(scope), json, activity.get(id));
    }

    @Operation(summary = "Change an endpoint; disabling pauses its deliveries, enabling resumes them")
    @PatchMapping("/{id}")
    EndpointView update(TenantScope scope, @PathVariable String id, @Valid @RequestBody UpdateEndpoint body) {
        return EndpointView.of(endpoints.update(scope.tenantId(), id, body), null, EndpointView.Audience.WRITER, json);
    }

    @Operation(summary = "Delete an endpoint: nothing more is sent to it and its secrets are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        endpoints.delete(scope.tenantId(), id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "The endpoint's signing secret (tenant admins)")
    @GetMapping("/{id}/secret")
    @WriteAccess
    SecretView secret(TenantScope scope, @PathVariable String id) {
        return new SecretView(endpoints.secret(scope.tenantId(), id).reveal());
    }

    @Operation(summary = "Rotate the signing secret; deliveries carry both signatures for graceSeconds (default 86400)")
    @PostMapping("/{id}/secret/rotate")
    EndpointView rotate(
            TenantScope scope, @PathVariable String id, @Valid @RequestBody(required = false) RotateSecret body) {
        var rotated = endpoints.rotate(scope.tenantId(), id, body == null ? null : body.graceSeconds());
        return EndpointView.of(rotated.endpoint(), rotated.secret().reveal(), EndpointView.Audience.WRITER, json);
    }

    @Operation(summary = "Queue every failed delivery since a time again (e.g. after the customer fixed their server)")
    @PostMapping("/{id}/recover")
    Recovered recover(TenantScope scope, @PathVariable String id, @Valid @RequestBody Recover body) {
        return new Recovered(endpoints.recover(scope.tenantId(), id, body.since()));
    }

    @Operation(summary = "Send a signed test event (type switchboard.test) to this endpoint only")
    @PostMapping("/{id}/test")
    ResponseEntity<TestSent> test(TenantScope scope, @PathVariable String id) {
        return ResponseEntity.accepted().body(new TestSent(endpoints.sendTest(scope.tenantId(), id)));
    }

    @Operation(summary = "Success rate and latency over the last 24 hours")
    @GetMapping("/{id}/stats")
    Endpoints.Stats stats(TenantScope scope, @PathVariable String id) {
        return endpoints.stats(scope.tenantId(), id);
    }

    private static EndpointView.Audience audience(TenantScope scope) {
        return scope.caller().canWrite() ? EndpointView.Audience.WRITER : EndpointView.Audience.VIEWER;
    }
}
