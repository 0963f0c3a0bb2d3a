package dev.switchboard.operations;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.operations.Views.AlertView;
import dev.switchboard.operations.Views.ChannelView;
import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Alert channels: a tenant's under its routes, the operator's under {@code /api/v1/alert-channels}. */
@Tag(name = "Alerts")
@RestController
class ChannelController {

    private static final String TENANT = "/api/v1/tenants/{tenant}/alert-channels";
    private static final String PLATFORM = "/api/v1/alert-channels";

    private final Channels channels;
    private final Alerting alerting;
    private final ScopedRoutes<Channel, ChannelView> routes;

    ChannelController(Channels channels, Alerting alerting) {
        this.channels = channels;
        this.alerting = alerting;
        this.routes =
                new ScopedRoutes<>(channels, ChannelView::of, c -> new Cursor(c.createdAt(), c.id()), Channel::id);
    }

    @Operation(summary = "Add an alert channel (slack, teams, teams_connector or webhook); its URL is sealed")
    @PostMapping(TENANT)
    ResponseEntity<ChannelView> create(TenantScope scope, @RequestBody Channels.CreateChannel body) {
        return routes.created(TENANT.replace("{tenant}", scope.tenantId()), channels.create(scope.tenantId(), body));
    }

    @Operation(summary = "List alert channels (URLs shown as a hint)")
    @GetMapping(TENANT)
    Page<ChannelView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return routes.list(scope.tenantId(), limit, cursor);
    }

    @Operation(summary = "Get an alert channel")
    @GetMapping(TENANT + "/{id}")
    ChannelView get(TenantScope scope, @PathVariable String id) {
        return routes.get(scope.tenantId(), id);
    }

    @Operation(summary = "Change an alert channel's name, URL or enabled flag")
    @PatchMapping(TENANT + "/{id}")
    ChannelView update(TenantScope scope, @PathVariable String id, @RequestBody Channels.UpdateChannel body) {
        return routes.view(channels.update(scope.tenantId(), id, body));
    }

    @Operation(summary = "Delete an alert channel")
    @DeleteMapping(TENANT + "/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        return routes.delete(scope.tenantId(), id);
    }

    @Operation(summary = "Send a test alert to this channel only")
    @PostMapping(TENANT + "/{id}/test")
    ResponseEntity<AlertView> test(TenantScope scope, @PathVariable String id) {
        return ResponseEntity.accepted().body(AlertView.of(alerting.test(scope.tenantId(), id)));
    }

    @Operation(summary = "Add a platform alert channel (platform admins)")
    @PostMapping(PLATFORM)
    ResponseEntity<ChannelView> createPlatform(PlatformAdmin admin, @RequestBody Channels.CreateChannel body) {
        return routes.created(PLATFORM, channels.create(Alerting.PLATFORM, body));
    }

    @Operation(summary = "List platform alert channels (platform admins)")
    @GetMapping(PLATFORM)
    Page<ChannelView> listPlatform(
            PlatformAdmin admin,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return routes.list(Alerting.PLATFORM, limit, cursor);
    }

    @Operation(summary = "Get a platform alert channel (platform admins)")
    @GetMapping(PLATFORM + "/{id}")
    ChannelView getPlatform(PlatformAdmin admin, @PathVariable String id) {
        return routes.get(Alerting.PLATFORM, id);
    }

    @Operation(summary = "Change a platform alert channel (platform admins)")
    @PatchMapping(PLATFORM + "/{id}")
    ChannelView updatePlatform(PlatformAdmin admin, @PathVariable String id, @RequestBody Channels.UpdateChannel body) {
        return routes.view(channels.update(Alerting.PLATFORM, id, body));
    }

    @Operation(summary = "Delete a platform alert channel (platform admins)")
    @DeleteMapping(PLATFORM + "/{id}")
    ResponseEntity<Void> deletePlatform(PlatformAdmin admin, @PathVariable String id) {
        return routes.delete(Alerting.PLATFORM, id);
    }

    @Operation(summary = "Send a test alert to this platform channel only (platform admins)")
    @PostMapping(PLATFORM + "/{id}/test")
    ResponseEntity<AlertView> testPlatform(PlatformAdmin admin, @PathVariable String id) {
        return ResponseEntity.accepted().body(AlertView.of(alerting.test(Alerting.PLATFORM, id)));
    }
}
