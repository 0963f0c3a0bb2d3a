package dev.switchboard.calllog;

import dev.switchboard.calllog.Calls.CallQuery;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's provider call log, one of the logs pages: the calls Switchboard made to providers'
 * APIs, newest first (refreshed every 10 s by htmx on the first page), filtered by connection,
 * origin and status and searched by path; one call with its redacted bodies. Same rules and
 * redaction as the call-log API, through {@link Calls}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/calls")
class CallPages {

    static final int LIMIT = 50;
    static final List<String> ORIGINS = List.of("proxy", "outbox", "health_check", "token");
    static final List<String> STATUSES = List.of("2xx", "3xx", "4xx", "5xx", "error");

    private final Calls calls;

    CallPages(Calls calls) {
        this.calls = calls;
    }

    @GetMapping
    String list(
            TenantScope scope,
            @RequestParam(required = false) String connection,
            @RequestParam(required = false) String origin,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpServletResponse response) {
        TenantPage.start(scope, model);
        var query = new CallQuery(
                blank(connection),
                null,
                blank(origin),
                blank(status),
                null,
                blank(q),
                null,
                null,
                LIMIT,
                blank(cursor));
        model.addAttribute("filters", query);
        model.addAttribute("firstPage", query.cursor() == null);
        model.addAttribute("origins", ORIGINS);
        model.addAttribute("statuses", STATUSES);
        return TenantPage.submit(
                model,
                response,
                () -> {
                    model.addAttribute("calls", calls.search(scope.tenantId(), query));
                    return "calllog/calls";
                },
                () -> "calllog/calls");
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        TenantPage.start(scope, model);
        model.addAttribute("call", calls.get(scope.tenantId(), id));
        return "calllog/call";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
