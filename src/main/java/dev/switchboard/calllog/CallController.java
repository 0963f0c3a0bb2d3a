package dev.switchboard.calllog;

import dev.switchboard.calllog.Calls.CallQuery;
import dev.switchboard.calllog.Calls.CallView;
import dev.switchboard.common.Page;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Call log")
@RestController
class CallController {

    private final Calls calls;

    CallController(Calls calls) {
        this.calls = calls;
    }

    @Operation(
            summary = "List a tenant's provider calls, newest first",
            description = "Filters: connection, provider, origin (proxy, outbox, health_check, token), status"
                    + " (2xx, 3xx, 4xx, 5xx, or error: no answer), method, since/until, and q: text in the path."
                    + " Paths have secret-named query parameters redacted; bodies are only on the one-call route.")
    @GetMapping("/api/v1/tenants/{tenant}/calls")
    Page<CallView> list(TenantScope scope, @ParameterObject CallQuery query) {
        return calls.search(scope.tenantId(), query);
    }

    @Operation(summary = "One provider call, with its redacted bodies when the connection stores them")
    @GetMapping("/api/v1/tenants/{tenant}/calls/{id}")
    CallView get(TenantScope scope, @PathVariable String id) {
        return calls.get(scope.tenantId(), id);
    }
}
