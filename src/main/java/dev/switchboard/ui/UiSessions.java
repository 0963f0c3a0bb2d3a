package dev.switchboard.ui;

import dev.switchboard.tenancy.ApiKeySignIn;
import dev.switchboard.tenancy.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * Starts and ends dashboard sessions. A session holds the {@link Caller} a key authenticated as,
 * never the key, and the tenant a platform admin chose to look at.
 */
final class UiSessions {

    private static final String SELECTED_TENANT = UiSessions.class.getName() + ".tenant";
    private static final String GRANTED_TENANTS = UiSessions.class.getName() + ".granted";

    private final HttpSessionSecurityContextRepository repository;
    private final ApiKeySignIn signIn;

    UiSessions(HttpSessionSecurityContextRepository repository, ApiKeySignIn signIn) {
        this.repository = repository;
        this.signIn = signIn;
    }

    HttpSessionSecurityContextRepository repository() {
        return repository;
    }

    /** Signs in with a pasted key; the old session (and its CSRF token) is dropped so it cannot be fixed. */
    Optional<Caller> start(String key, HttpServletRequest request, HttpServletResponse response) {
        var caller = signIn.signIn(key);
        caller.ifPresent(c -> begin(c, request, response));
        return caller;
    }

    /**
     * Starts a session for a caller already verified (by a key, or by the identity provider through
     * OIDC); the old session (and its CSRF token) is dropped so it cannot be fixed.
     */
    void begin(Caller caller, HttpServletRequest request, HttpServletResponse response) {
        HttpSession old = request.getSession(false);
        if (old != null) old.invalidate();
        request.getSession(true);
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new SessionCaller(caller));
        SecurityContextHolder.setContext(context);
        repository.saveContext(context, request, response);
    }

    ApiKeySignIn signIn() {
        return signIn;
    }

    boolean stillValid(Caller caller) {
        return signIn.stillValid(caller);
    }

    /** The tenant the pages show: a tenant key's own, or the one a platform admin chose (maybe none). */
    static Optional<String> tenant(Caller caller, HttpServletRequest request) {
        if (!caller.platformAdmin()) return Optional.of(caller.tenantId());
        HttpSession session = request.getSession(false);
        return Optional.ofNullable(session == null ? null : (String) session.getAttribute(SELECTED_TENANT));
    }

    static void selectTenant(HttpServletRequest request, String tenantId) {
        if (tenantId == null) request.getSession().removeAttribute(SELECTED_TENANT);
        else request.getSession().setAttribute(SELECTED_TENANT, tenantId);
    }

    /**
     * The tenants an OIDC user's claims grant, in the claim's order, kept for the session so the user
     * can switch between them; the session's caller is scoped to one of them at a time.
     */
    static void grant(HttpServletRequest request, List<String> tenants) {
        request.getSession().setAttribute(GRANTED_TENANTS, List.copyOf(tenants));
    }

    /** What {@link #grant} kept: empty for a key's session, or a platform admin's. */
    @SuppressWarnings("unchecked")
    static List<String> granted(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object granted = session == null ? null : session.getAttribute(GRANTED_TENANTS);
        return granted == null ? List.of() : (List<String>) granted;
    }

    /**
     * Moves an OIDC user's session to another tenant its claims granted at sign-in, if that tenant is
     * still active; the session (and its CSRF token) stays, only the caller changes. Empty otherwise.
     */
    Optional<Caller> switchTo(Caller caller, String tenant, HttpServletRequest request, HttpServletResponse response) {
        if (caller.platformAdmin()
                || !caller.keyId().startsWith(ApiKeySignIn.OIDC_PREFIX)
                || !granted(request).contains(tenant)) {
            return Optional.empty();
        }
        var moved = signIn.signInAs(caller.keyId().substring(ApiKeySignIn.OIDC_PREFIX.length()), caller.role(), tenant);
        moved.ifPresent(c -> {
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new SessionCaller(c));
            SecurityContextHolder.setContext(context);
            repository.saveContext(context, request, response);
        });
        return moved;
    }

    /** A session's authentication: the caller its key was verified as when the session started. */
    static final class SessionCaller extends AbstractAuthenticationToken {
        private final Caller caller;

        SessionCaller(Caller caller) {
            super(List.of());
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }
    }
}
