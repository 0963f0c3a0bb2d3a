package dev.switchboard.ui;

import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.Tenant;
import dev.switchboard.tenancy.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * Gives every dashboard page, whichever capability package renders it, what the shared layout
 * (templates/ui/layout.html) shows around it: who is signed in, the tenant being looked at and,
 * for a platform admin or an OIDC user granted several tenants, the tenants to switch to.
 */
final class ShellInterceptor implements HandlerInterceptor {

    /** The switcher lists this many tenants; past that, the tenants page is the way to choose. */
    static final int SWITCHER_LIMIT = 100;

    /**
     * @param tenant the tenant the pages show, or null when a platform admin has not chosen one
     * @param path the request path, so the navigation can mark the current page
     */
    /**
     * @param granted the tenants an OIDC user may switch between (empty for anyone else)
     */
    record Shell(
            Caller caller,
            String tenant,
            List<Tenant> tenants,
            boolean moreTenants,
            String path,
            List<String> granted) {
        public String role() {
            return caller.role().wire();
        }
    }

    private final Tenants tenants;

    ShellInterceptor(Tenants tenants) {
        this.tenants = tenants;
    }

    /**
     * A page under {@code /ui/tenants/{tenant}/} shows that tenant; a platform admin's switcher
     * follows it, so the navigation and the hub stay on the tenant being looked at.
     */
    private static java.util.Optional<String> pathTenant(
            HttpServletRequest request, HttpServletResponse response, Caller caller) {
        @SuppressWarnings("unchecked")
        var variables = (java.util.Map<String, String>)
                request.getAttribute(org.springframework.web.servlet.HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String tenant = variables == null ? null : variables.get("tenant");
        if (tenant == null || !request.getRequestURI().startsWith("/ui/tenants/") || !caller.sees(tenant)) {
            return java.util.Optional.empty();
        }
        if (response.getStatus() >= 400) return java.util.Optional.empty();
        if (caller.platformAdmin()) UiSessions.selectTenant(request, tenant);
        return java.util.Optional.of(tenant);
    }

    @Override
    public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler, ModelAndView mav) {
        if (mav == null || (mav.getViewName() != null && mav.getViewName().startsWith("redirect:"))) return;
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof UiSessions.SessionCaller session)) {
            return;
        }
        Caller caller = session.getPrincipal();
        String tenant = pathTenant(request, response, caller)
                .orElseGet(() -> UiSessions.tenant(caller, request).orElse(null));
        var listing = caller.platformAdmin() ? tenants.list(caller, SWITCHER_LIMIT) : null;
        mav.addObject(
                "shell",
                new Shell(
                        caller,
                        tenant,
                        listing == null ? List.of() : listing.tenants(),
                        listing != null && listing.more(),
                        request.getRequestURI(),
                        UiSessions.granted(request)));
    }
}
