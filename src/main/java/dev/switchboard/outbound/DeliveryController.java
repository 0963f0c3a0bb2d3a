package dev.switchboard.outbound;

import dev.switchboard.common.Page;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Outbound messages")
@RestController
class DeliveryController {

    private final Deliveries deliveries;

    DeliveryController(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Operation(
            summary = "A tenant's deliveries across endpoints, newest first;"
                    + " status=pending|succeeded|failed|paused, endpoint, eventType, since, until (RFC 3339)")
    @GetMapping("/api/v1/tenants/{tenant}/deliveries")
    Page<DeliveryRepository.DeliveryItem> list(
            TenantScope scope,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String endpoint,
            @RequestParam(required = false) String eventType,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return deliveries.search(
                scope.tenantId(), new Deliveries.Query(status, endpoint, eventType, since, until), limit, cursor);
    }

    @Operation(
            summary = "Resend many deliveries now: by ids, or every failed one matching a filter;"
                    + " at most max (≤ 1000) per request; those in flight are skipped")
    @PostMapping("/api/v1/tenants/{tenant}/deliveries/resend")
    Deliveries.Resent resend(TenantScope scope, @RequestBody Deliveries.BulkResend body) {
        return deliveries.resend(scope.tenantId(), body);
    }
}
