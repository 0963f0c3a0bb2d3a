package dev.switchboard.analytics;

import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Analytics")
@RestController
class AnalyticsController {

    private final Analytics analytics;
    private final Activity activity;

    AnalyticsController(Analytics analytics, Activity activity) {
        this.analytics = analytics;
        this.activity = activity;
    }

    @Operation(
            summary = "Series, totals, success rates and provider distribution from the rollups:"
                    + " range=week|month|quarter, or from and to (RFC 3339); groupBy=provider|source|endpoint|connection;"
                    + " interval=hour|day")
    @GetMapping("/api/v1/tenants/{tenant}/analytics")
    Analytics.Report report(
            TenantScope scope,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String range,
            @RequestParam(required = false) String groupBy,
            @RequestParam(required = false) String interval) {
        return analytics.report(scope.tenantId(), new Analytics.Query(from, to, range, groupBy, interval));
    }

    @Operation(
            summary = "What happened, newest first: inbound events, delivery attempts, provider calls, alerts and"
                    + " audit entries; type=inbound,delivery,call,alert,audit (comma-separated), since (RFC 3339),"
                    + " cursor paging")
    @GetMapping("/api/v1/tenants/{tenant}/activity")
    Activity.Feed activity(
            TenantScope scope,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return activity.feed(scope.tenantId(), type, since, limit, cursor);
    }
}
