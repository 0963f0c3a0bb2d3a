package dev.switchboard.ui;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Sign-in by pasting an API key once; sign-out is Spring Security's logout at {@code POST /ui/sign-out}. */
@Controller
class SignInController {

    private final UiSessions sessions;

    SignInController(UiSessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping(UiSecurity.SIGN_IN)
    String form() {
        return signedIn() ? "redirect:/" : "ui/sign-in";
    }

    @PostMapping(UiSecurity.SIGN_IN)
    String signIn(
            @RequestParam(required = false) String key,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        if (sessions.start(key, request, response).isPresent()) return "redirect:/";
        // The key is never echoed back into the page, right or wrong.
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        model.addAttribute("failed", true);
        return "ui/sign-in";
    }

    /** Where a refused request lands (a missing CSRF token, a write a viewer may not make). */
    @RequestMapping(UiSecurity.DENIED)
    String denied(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "ui/denied";
    }

    private static boolean signedIn() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a != null && a.isAuthenticated() && !(a instanceof AnonymousAuthenticationToken);
    }
}
