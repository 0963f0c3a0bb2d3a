package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import java.util.stream.IntStream;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's provider API outbox: jobs newest first, filtered by connection, status and
 * priority; one job with every attempt; cancelling a job that waits and retrying a failed one. Same
 * rules and redaction as the outbox API, through {@link Outbox} and {@link OutboxViews}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/outbox")
class OutboxPages {

    static final int LIMIT = 50;

    /** The filters as typed; blank means any. */
    record Filters(String connection, String status, Integer priority) {}

    private final Outbox outbox;
    private final OutboxViews views;

    OutboxPages(Outbox outbox, OutboxViews views) {
        this.outbox = outbox;
        this.views = views;
    }

    @GetMapping
    String list(
            TenantScope scope,
            @RequestParam(required = false) String connection,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String priority,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpServletResponse response) {
        TenantPage.start(scope, model);
        var filters = new Filters(blank(connection), blank(status), priority(priority));
        model.addAttribute("filters", filters);
        model.addAttribute("statuses", Outbox.STATUSES);
        model.addAttribute(
                "priorities",
                IntStream.rangeClosed(OutboxInput.MIN_PRIORITY, OutboxInput.MAX_PRIORITY)
                        .boxed()
                        .toList());
        return TenantPage.submit(
                model,
                response,
                () -> {
                    var filter = Outbox.filter(filters.connection(), null, filters.status(), filters.priority(), null);
                    var page = outbox.page(scope.tenantId(), filter, PageRequest.of(LIMIT, blank(cursor)));
                    model.addAttribute("jobs", page.map(views::job));
                    return "gateway/outbox";
                },
                () -> "gateway/outbox");
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        TenantPage.start(scope, model);
        model.addAttribute("job", views.detail(outbox.get(scope.tenantId(), id)));
        return "gateway/job";
    }

    @PostMapping("/{id}/cancel")
    String cancel(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        return act(scope, id, redirect, "cancelled", () -> outbox.cancel(scope.tenantId(), id));
    }

    @PostMapping("/{id}/retry")
    String retry(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        return act(scope, id, redirect, "retried", () -> outbox.retry(scope.tenantId(), id));
    }

    /** A refused action (the job moved on meanwhile: a 409) is said on the job's page, not as an error page. */
    private static String act(TenantScope scope, String id, RedirectAttributes redirect, String done, Runnable action) {
        try {
            action.run();
            redirect.addFlashAttribute("done", done);
        } catch (ApiException e) {
            if (e.code().status().value() != 409) throw e;
            redirect.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:/ui/tenants/" + scope.tenantId() + "/outbox/" + id;
    }

    private static Integer priority(String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("priority", "must be between 0 and 9");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
