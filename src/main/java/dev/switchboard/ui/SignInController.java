package dev.switchboard.ui;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-in by pasting an API key once, or through the operator's identity provider (OIDC) when one is
 * configured; sign-out is Spring Security's logout at {@code POST /ui/sign-out}. Failed sign-ins are
 * limited ({@link SignInLimits}): past the limit the page answers 429 and checks nothing.
 */
@Controller
class SignInController {

    private static final Logger log = LoggerFactory.getLogger(SignInController.class);

    private final UiSessions sessions;
    private final SignInLimits limits;
    private final OidcLogin oidc;

    SignInController(UiSessions sessions, SignInLimits limits, OidcLogin oidc) {
        this.sessions = sessions;
        this.limits = limits;
        this.oidc = oidc;
    }

    @GetMapping(UiSecurity.SIGN_IN)
    String form(Model model) {
        if (signedIn()) return "redirect:/";
        return page(model);
    }

    @PostMapping(UiSecurity.SIGN_IN)
    String signIn(
            @RequestParam(required = false) String key,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        if (limited(request, key, response, model)) return page(model);
        if (sessions.start(key, request, response).isPresent()) return "redirect:/";
        limits.failed(request, key);
        // The key is never echoed back into the page, right or wrong.
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        model.addAttribute("failed", true);
        return page(model);
    }

    /**
     * Starts an OIDC sign-in: the provider's discovery document is read now (the first time), so a
     * provider that cannot be reached is a page that says so, not an error in Spring's redirect filter.
     */
    @GetMapping(UiSecurity.SIGN_IN_OIDC)
    String oidc(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!oidc.enabled()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            return page(model);
        }
        if (limited(request, null, response, model)) return page(model);
        try {
            oidc.registration();
        } catch (RuntimeException e) {
            log.warn("The identity provider's discovery document could not be read: {}", e.toString());
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            model.addAttribute("unreachable", true);
            return page(model);
        }
        return "redirect:" + OidcLogin.AUTHORIZE + "/" + OidcLogin.REGISTRATION;
    }

    /** A user the identity provider vouched for whose claims give no role (or no tenant) here. */
    @GetMapping(UiSecurity.REFUSED)
    String refused(@RequestParam(required = false) String reason, HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("noTenant", OidcLogin.Refusal.NO_TENANT.wire.equals(reason));
        model.addAttribute("settings", oidc.settings());
        return "ui/refused";
    }

    /** Where a refused request lands (a missing CSRF token, a write a viewer may not make). */
    @RequestMapping(UiSecurity.DENIED)
    String denied(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "ui/denied";
    }

    private boolean limited(HttpServletRequest request, String key, HttpServletResponse response, Model model) {
        long wait = limits.waitSeconds(request, key);
        if (wait == 0) return false;
        response.setStatus(429);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
        model.addAttribute("limited", wait);
        return true;
    }

    private String page(Model model) {
        if (oidc.enabled()) model.addAttribute("oidc", oidc.label());
        return "ui/sign-in";
    }

    private static boolean signedIn() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a != null && a.isAuthenticated() && !(a instanceof AnonymousAuthenticationToken);
    }
}
