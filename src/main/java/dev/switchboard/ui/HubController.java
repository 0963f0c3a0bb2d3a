package dev.switchboard.ui;

import dev.switchboard.analytics.TrafficToday;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.PagePolicy;
import dev.switchboard.connections.ConnectionBoard;
import dev.switchboard.connections.ConnectionCounts;
import dev.switchboard.inbound.SourceCounts;
import dev.switchboard.outbound.DeadLetters;
import dev.switchboard.outbound.EndpointCounts;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import dev.switchboard.tenancy.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The hub at {@code /}: stat cards for the platform and for the tenant being looked at, each read
 * through its capability's own counting service (a few indexed aggregates, no list loaded).
 */
@Controller
class HubController {

    private final Tenants tenants;
    private final TenantAccess access;
    private final ConnectionCounts connections;
    private final EndpointCounts endpoints;
    private final SourceCounts sources;
    private final TrafficToday today;
    private final DeadLetters deadLetters;
    private final ConnectionBoard board;
    private final UiSessions sessions;

    HubController(
            UiSessions sessions,
            Tenants tenants,
            TenantAccess access,
            ConnectionCounts connections,
            EndpointCounts endpoints,
            SourceCounts sources,
            TrafficToday today,
            DeadLetters deadLetters,
            ConnectionBoard board) {
        this.board = board;
        this.sessions = sessions;
        this.tenants = tenants;
        this.access = access;
        this.connections = connections;
        this.endpoints = endpoints;
        this.sources = sources;
        this.today = today;
        this.deadLetters = deadLetters;
    }

    @GetMapping("/")
    String hub(
            @AuthenticationPrincipal Caller caller,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        if (caller.platformAdmin()) model.addAttribute("tenantCounts", tenants.counts(caller));
        UiSessions.tenant(caller, request).ifPresent(tenant -> {
            access.read(caller, tenant);
            model.addAttribute("connections", connections.forTenant(tenant));
            model.addAttribute("endpoints", endpoints.forTenant(tenant));
            model.addAttribute("sources", sources.forTenant(tenant));
            model.addAttribute("today", today.forTenant(tenant));
            model.addAttribute("deadLetters", deadLetters.forTenant(tenant));
            // The connections page's table, quick actions included for those who may write.
            ConnectionBoard.Board b = board.forTenant(tenant);
            model.addAttribute("byCategory", b.byCategory());
            model.addAttribute("canWrite", caller.canWrite());
            if (!b.formTargets().isEmpty())
                response.setHeader(PagePolicy.HEADER, PagePolicy.allowingFormsTo(b.formTargets()));
        });
        return "ui/hub";
    }

    @GetMapping("/ui")
    String ui() {
        return "redirect:/";
    }

    /**
     * The tenant switcher. A platform admin picks any tenant, or none (a blank choice) for the
     * platform-wide view; an OIDC user whose claims grant several tenants moves its session to another
     * of them. Any other tenant is a 404, as everywhere else.
     */
    @PostMapping("/ui/tenant")
    String switchTenant(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String back,
            HttpServletRequest request,
            HttpServletResponse response) {
        // A key's session, or a user granted one tenant, has nothing to switch to: refused as before.
        if (UiSessions.granted(request).isEmpty()) access.platformAdmin(caller);
        if (!caller.platformAdmin()) {
            Caller moved = sessions.switchTo(caller, tenant, request, response)
                    .orElseThrow(() -> ApiException.notFound("tenant"));
            return "redirect:" + sameSection(localPath(back), moved.tenantId());
        }
        if (tenant == null || tenant.isBlank()) {
            UiSessions.selectTenant(request, null);
        } else {
            try {
                access.read(caller, tenant);
                UiSessions.selectTenant(request, tenant);
            } catch (ApiException e) {
                UiSessions.selectTenant(request, null);
            }
        }
        return "redirect:"
                + sameSection(
                        localPath(back), UiSessions.tenant(caller, request).orElse(null));
    }

    /** A tenant's page goes to the same section of the tenant switched to (its list, not one item). */
    static String sameSection(String path, String tenant) {
        var m = java.util.regex.Pattern.compile("^/ui/tenants/[^/]+/([a-z]+)(/.*)?$")
                .matcher(path);
        if (!m.matches()) return path;
        return tenant == null ? "/" : "/ui/tenants/" + tenant + "/" + m.group(1);
    }

    /** Only a path on this site, so the switcher cannot be made into an open redirect. */
    static String localPath(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\")) return "/";
        for (int i = 0; i < back.length(); i++) {
            char c = back.charAt(i);
            if (c < 0x21 || c > 0x7e) return "/";
        }
        return back;
    }
}
