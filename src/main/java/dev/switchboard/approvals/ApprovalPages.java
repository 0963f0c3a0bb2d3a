package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
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
 * The dashboard's approvals queue: requests for approval with their redacted previews, pending
 * first by default, and Approve and Deny (with a reason) for admins. Same rules as the API, four
 * eyes included, through {@link Approvals}; a viewer sees the queue without a control.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/approvals")
class ApprovalPages {

    static final int LIMIT = 50;

    /** One request as the page shows it: the preview's parts as text. */
    record Row(ApprovalViews.ApprovalView a, String request, String headers, String body, String metadata) {}

    static final List<String> STATUSES = List.of("pending", "approved", "denied", "expired", "all");

    private final Approvals approvals;
    private final ApprovalViews views;

    ApprovalPages(Approvals approvals, ApprovalViews views) {
        this.approvals = approvals;
        this.views = views;
    }

    @GetMapping
    String list(
            TenantScope scope,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpServletResponse response) {
        TenantPage.start(scope, model);
        String shown = status == null || status.isBlank() ? "pending" : status.strip();
        model.addAttribute("status", shown);
        model.addAttribute("statuses", STATUSES);
        return TenantPage.submit(
                model,
                response,
                () -> {
                    var page = approvals.page(
                            scope.tenantId(),
                            shown.equals("all") ? null : shown,
                            null,
                            PageRequest.of(LIMIT, Approvals.blankIsNull(cursor)));
                    model.addAttribute("approvals", page.map(views::approval).map(ApprovalPages::row));
                    return "approvals/approvals";
                },
                () -> "approvals/approvals");
    }

    static Row row(ApprovalViews.ApprovalView a) {
        var p = a.preview();
        var body = p.get("body");
        return new Row(
                a,
                p.path("method").asString("") + " " + p.path("path").asString(""),
                p.path("headers").toString(),
                body == null || body.isNull() ? "" : body.asString(""),
                p.path("metadata").toString());
    }

    @PostMapping("/{id}/approve")
    String approve(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) String reason,
            RedirectAttributes redirect) {
        return decide(scope, id, true, reason, redirect);
    }

    @PostMapping("/{id}/deny")
    String deny(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) String reason,
            RedirectAttributes redirect) {
        return decide(scope, id, false, reason, redirect);
    }

    /** A decision refused (decided meanwhile, expired, four eyes) is said on the queue, not as an error page. */
    private String decide(TenantScope scope, String id, boolean approve, String reason, RedirectAttributes redirect) {
        try {
            approvals.decide(
                    scope.tenantId(),
                    id,
                    approve,
                    Approvals.blankIsNull(reason),
                    ApprovalController.decider(scope, ApprovalRepository.Via.DASHBOARD));
            redirect.addFlashAttribute("done", approve ? "approved" : "denied");
        } catch (ApiException e) {
            int status = e.code().status().value();
            if (status != 409 && !(status == 403 && e.code() == dev.switchboard.common.ErrorCode.FOUR_EYES)) throw e;
            redirect.addFlashAttribute("refused", e.getMessage());
        }
        return "redirect:/ui/tenants/" + scope.tenantId() + "/approvals";
    }
}
