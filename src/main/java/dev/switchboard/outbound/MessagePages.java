package dev.switchboard.outbound;

import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantScope;
import java.nio.charset.StandardCharsets;
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
 * 10 s by htmx), a message with its payload and every attempt, and resending one delivery. Same
 * rules as the messages API, through {@link MessageLog}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/messages")
class MessagePages {

    static final int LIMIT = 50;

    private final MessageLog log;

    MessagePages(MessageLog log) {
        this.log = log;
    }

    @GetMapping
    String list(TenantScope scope, @RequestParam(required = false) String cursor, Model model) {
        PageRequest page = PageRequest.of(LIMIT, cursor);
        var entries = log.recent(scope.tenantId(), page);
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("firstPage", cursor == null || cursor.isEmpty());
        model.addAttribute("entries", entries.stream().limit(LIMIT).toList());
        model.addAttribute(
                "nextCursor",
                entries.size() > LIMIT
                        ? new dev.switchboard.common.Cursor(
                                        entries.get(LIMIT - 1).message().createdAt(),
                                        entries.get(LIMIT - 1).message().id())
                                .encode()
                        : null);
        return "outbound/messages";
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
