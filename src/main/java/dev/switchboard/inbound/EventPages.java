package dev.switchboard.inbound;

import dev.switchboard.tenancy.TenantScope;
import java.util.Arrays;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's inbound log: events with the events API's filters (refreshed every 10 s by htmx),
 * an event in full (redacted headers, the raw body as text, its CloudEvent, each processing run),
 * and replay. Same rules as the events API, through {@link Events}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/events")
class EventPages {

    static final int LIMIT = 50;

    /** The filters a log page offers: the events API's query, fixed to one page of {@link #LIMIT}. */
    record Filters(
            String source, String provider, String type, String subject, String status, String since, String cursor) {
        Events.EventQuery query() {
            return new Events.EventQuery(
                    blank(source),
                    blank(provider),
                    blank(type),
                    blank(subject),
                    null,
                    blank(status),
                    blank(since),
                    null,
                    LIMIT,
                    blank(cursor),
                    null,
                    null);
        }

        private static String blank(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }

    private final Events events;
    private final JsonMapper json;

    EventPages(Events events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    @GetMapping
    String list(TenantScope scope, Filters filters, Model model) {
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("filters", filters);
        model.addAttribute("page", events.search(scope.tenantId(), filters.query()));
        model.addAttribute(
                "providers",
                Arrays.stream(Provider.values()).map(Provider::wire).toList());
        return "inbound/events";
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        var detail = events.detail(scope.tenantId(), id);
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        model.addAttribute("event", detail);
        model.addAttribute("cloudEvent", json.writerWithDefaultPrettyPrinter().writeValueAsString(detail.cloudEvent()));
        return "inbound/event";
    }

    @PostMapping("/{id}/replay")
    String replay(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        redirect.addFlashAttribute(
                "replayed", events.replay(scope.tenantId(), id).run());
        return "redirect:/ui/tenants/" + scope.tenantId() + "/events/" + id;
    }
}
