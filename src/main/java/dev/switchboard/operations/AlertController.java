package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
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
    private final AlertRepository alerts;
    private final JobRunRepository jobs;

    AlertController(Alerting alerting, AlertRepository alerts, JobRunRepository jobs) {
        this.alerting = alerting;
        this.alerts = alerts;
        this.jobs = jobs;
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
        return AlertView.of(alerts.find(scope.tenantId(), id).orElseThrow(() -> ApiException.notFound("alert")));
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
        return AlertView.of(alerts.find(Alerting.PLATFORM, id).orElseThrow(() -> ApiException.notFound("alert")));
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
        PageRequest page = PageRequest.of(limit, cursor);
        if (name != null && name.length() > 100) throw ApiException.invalid("name", "must be at most 100 characters");
        var filter = new JobRunRepository.Filter(
                name,
                failed,
                from == null ? null : Timestamps.parse("from", from),
                to == null ? null : Timestamps.parse("to", to));
        return Page.of(jobs.page(filter, page), page, r -> new Cursor(r.startedAt(), r.id()));
    }

    private Page<AlertView> page(String scope, String kind, Integer limit, String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        if (kind != null && kind.length() > 40) throw ApiException.invalid("kind", "must be at most 40 characters");
        return Page.of(alerts.page(scope, kind, page), page, a -> new Cursor(a.createdAt(), a.id()))
                .map(AlertView::of);
    }
}
