package dev.switchboard.domains;

import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Sending domains")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/domains")
class DomainController {

    private final SendingDomains domains;
    private final Deliverability deliverability;

    DomainController(SendingDomains domains, Deliverability deliverability) {
        this.domains = domains;
        this.deliverability = deliverability;
    }

    @Operation(
            summary = "Add a sending domain: domain, spfInclude, dkimSelectors, dmarcPolicy (none|quarantine|reject)")
    @PostMapping
    ResponseEntity<SendingDomains.View> create(TenantScope scope, @RequestBody SendingDomains.NewDomain in) {
        return ResponseEntity.status(HttpStatus.CREATED).body(domains.create(scope.tenantId(), in));
    }

    @Operation(summary = "Sending domains with their last check, newest first")
    @GetMapping
    Page<SendingDomains.View> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return domains.list(scope.tenantId(), PageRequest.of(limit, cursor));
    }

    @Operation(summary = "One sending domain with its last check: pass or fail per record, with the record found")
    @GetMapping("/{id}")
    SendingDomains.View get(TenantScope scope, @PathVariable String id) {
        return domains.get(scope.tenantId(), id);
    }

    @Operation(summary = "Remove a sending domain")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        domains.delete(scope.tenantId(), id);
        return ResponseEntity.noContent().build();
    }

    @Operation(
            summary =
                    "Check the domain's SPF, DKIM and DMARC records now (TXT lookups through the configured resolver)")
    @PostMapping("/{id}/check")
    SendingDomains.View check(TenantScope scope, @PathVariable String id) {
        return domains.check(scope.tenantId(), id);
    }

    @Operation(summary = "Bounce, complaint and spam rates over the last 7 days, from the providers' webhook events")
    @GetMapping("/{id}/deliverability")
    Deliverability.Rates rates(TenantScope scope, @PathVariable String id) {
        return deliverability.rates(
                scope.tenantId(), domains.get(scope.tenantId(), id).domain());
    }
}
