package dev.switchboard.outbound;

import dev.switchboard.tenancy.TenantScope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's outbound log: the newest messages with each delivery's status (refreshed every
 * 10 s by htmx), searched by event type and delivery status, a message with its payload and every attempt, and resending one delivery. Same
 * rules as the messages API, through {@link MessageLog}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/messages")
class MessagePages {

    static final int LIMIT = 50;
    static final List<String> STATUSES = List.of("failed", "pending", "paused", "succeeded");

    private final MessageLog log;
    private final Deliveries deliveries;

    MessagePages(MessageLog log, Deliveries deliveries) {
        this.log = log;
        this.deliveries = deliveries;
    }

    /** Searched as the messages API searches: by event type, and by the status of any of a message's deliveries. */
    @GetMapping
    String list(
            TenantScope scope,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            Model model) {
        String t = blankIsNull(type);
        String s = blankIsNull(status);
        String c = blankIsNull(cursor);
        var page = deliveries.messages(scope.tenantId(), new Deliveries.Query(s, null, t, null, null), LIMIT, c);
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("firstPage", c == null);
        model.addAttribute("filters", new Filters(t, s));
        model.addAttribute("statuses", STATUSES);
        model.addAttribute("entries", log.entries(scope.tenantId(), page.data()));
        model.addAttribute("nextCursor", page.nextCursor());
        return "outbound/messages";
    }

    record Filters(String type, String status) {
        public boolean any() {
            return type != null || status != null;
        }
    }

    private static String blankIsNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        var detail = log.detail(scope.tenantId(), id);
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        model.addAttribute("detail", detail);
        model.addAttribute("payload", new String(detail.message().payload(), StandardCharsets.UTF_8));
        return "outbound/message";
    }

    @PostMapping("/{id}/endpoints/{endpoint}/resend")
    String resend(
            TenantScope scope, @PathVariable String id, @PathVariable String endpoint, RedirectAttributes redirect) {
        log.resend(scope.tenantId(), id, endpoint);
        redirect.addFlashAttribute("resent", endpoint);
        return "redirect:/ui/tenants/" + scope.tenantId() + "/messages/" + id;
    }
}
