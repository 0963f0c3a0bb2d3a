package dev.switchboard.consent;

import dev.switchboard.common.PagePolicy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The one-click unsubscribe link (RFC 8058), with no login: a mail client POSTs
 * {@code List-Unsubscribe=One-Click} to it and the consent it names is withdrawn; a person who opens
 * it gets a page with one button that does the same POST. A GET never changes anything (link
 * scanners open links). A link not made by us, or altered, is a 404; an expired one a 410.
 */
@Controller
class UnsubscribeController {

    static final String ONE_CLICK = "One-Click";

    private final UnsubscribeLinks links;
    private final Contacts contacts;
    private final dev.switchboard.audit.ActionLog audit;

    UnsubscribeController(UnsubscribeLinks links, Contacts contacts, dev.switchboard.audit.ActionLog audit) {
        this.links = links;
        this.contacts = contacts;
        this.audit = audit;
    }

    @GetMapping("/unsubscribe/{token}")
    String confirm(@PathVariable String token, Model model, HttpServletResponse response) {
        return page(links.verify(token), "confirm", model, response);
    }

    @PostMapping("/unsubscribe/{token}")
    String unsubscribe(
            @PathVariable String token, HttpServletRequest request, Model model, HttpServletResponse response) {
        var verdict = links.verify(token);
        if (verdict instanceof UnsubscribeLinks.Verdict.Valid(var link)) {
            if (!ONE_CLICK.equals(request.getParameter("List-Unsubscribe"))) {
                response.setStatus(400);
                return page(verdict, "bad-request", model, response);
            }
            contacts.unsubscribe(
                    link.tenantId(),
                    link.contactId(),
                    link.channel(),
                    link.purpose(),
                    "RFC 8058 one-click POST; link valid until " + link.expiresAt());
            // A public route, so the audit filter (which covers /api) does not see it: recorded here.
            // The actor is the link itself; who holds it is not known.
            audit.record(
                    request,
                    link.tenantId(),
                    "unsubscribe-link",
                    "consent.unsubscribe",
                    "contact",
                    link.contactId(),
                    200);
            return page(verdict, "done", model, response);
        }
        return page(verdict, "confirm", model, response);
    }

    private static String page(
            UnsubscribeLinks.Verdict verdict, String state, Model model, HttpServletResponse response) {
        response.setHeader(PagePolicy.HEADER, PagePolicy.CSP);
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        switch (verdict) {
            case UnsubscribeLinks.Verdict.Valid(var link) -> {
                model.addAttribute("state", state);
                model.addAttribute("channel", link.channel());
                model.addAttribute("purpose", link.purpose());
            }
            case UnsubscribeLinks.Verdict.Invalid invalid -> {
                response.setStatus(404);
                model.addAttribute("state", "invalid");
            }
            case UnsubscribeLinks.Verdict.Expired expired -> {
                response.setStatus(410);
                model.addAttribute("state", "expired");
            }
        }
        return "consent/unsubscribe";
    }
}
