package dev.switchboard.ui;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Asks, on every request of a dashboard session, whether the key that started it is still live. A
 * revoked key (or a disabled tenant) ends the session here, before any page is rendered; the request
 * then goes on unauthenticated, so it is sent to the sign-in page.
 */
final class SessionCheck extends OncePerRequestFilter {

    private final UiSessions sessions;

    SessionCheck(UiSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof UiSessions.SessionCaller session
                && !sessions.stillValid(session.getPrincipal())) {
            SecurityContextHolder.clearContext();
            var httpSession = request.getSession(false);
            if (httpSession != null) httpSession.invalidate();
        }
        chain.doFilter(request, response);
    }
}
