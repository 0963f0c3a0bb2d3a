package dev.switchboard.operations;

import dev.switchboard.common.Page;
import dev.switchboard.operations.Views.AlertView;
import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Alerts sent, with each channel's send status; manual alerts; the job log. */
@Tag(name = "Alerts")
@RestController
class AlertController {

    private static final String TENANT = "/api/v1/tenants/{tenant}/alerts";
    private static final String PLATFORM = "/api/v1/alerts";

    private final Alerting alerting;
    private final OperationsLog log;

    AlertController(Alerting alerting, OperationsLog log) {
        this.alerting = alerting;
        this.log = log;
    }

    @Operation(summary = "Send an alert by hand to the tenant's channels: {title, message, severity, userId?}")
    @PostMapping(TENANT)
    ResponseEntity<AlertView> raise(TenantScope scope, @RequestBody Alerting.ManualAlert body) {
        return ResponseEntity.accepted().body(AlertView.of(alerting.manual(scope.tenantId(), body)));
    }

    @Operation(summary = "Alerts sent, newest first, with their delivery status per channel")
    @GetMapping(TENANT)
    Page<AlertView> list(
            TenantScope scope,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return page(scope.tenantId(), kind, limit, cursor);
    }

    @Operation(summary = "One alert, with its delivery status per channel")
    @GetMapping(TENANT + "/{id}")
    AlertView get(TenantScope scope, @PathVariable String id) {
        return AlertView.of(log.alert(scope.tenantId(), id));
    }

    @Operation(summary = "Send an alert by hand to the platform's channels (platform admins)")
    @PostMapping(PLATFORM)
    ResponseEntity<AlertView> raisePlatform(PlatformAdmin admin, @RequestBody Alerting.ManualAlert body) {
        return ResponseEntity.accepted().body(AlertView.of(alerting.manual(Alerting.PLATFORM, body)));
    }

    @Operation(summary = "Platform alerts sent, newest first (platform admins)")
    @GetMapping(PLATFORM)
    Page<AlertView> listPlatform(
            PlatformAdmin admin,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return page(Alerting.PLATFORM, kind, limit, cursor);
    }

    @Operation(summary = "One platform alert (platform admins)")
    @GetMapping(PLATFORM + "/{id}")
    AlertView getPlatform(PlatformAdmin admin, @PathVariable String id) {
        return AlertView.of(log.alert(Alerting.PLATFORM, id));
    }

    @Operation(summary = "Background job runs that did work or failed, newest first (platform admins)")
    @GetMapping("/api/v1/admin/jobs")
    Page<JobRunRepository.JobRun> jobs(
            PlatformAdmin admin,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) Boolean failed,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return log.jobs(name, failed, from, to, limit, cursor);
    }

    private Page<AlertView> page(String scope, String kind, Integer limit, String cursor) {
        return log.alerts(scope, kind, limit, cursor).map(AlertView::of);
    }
}
