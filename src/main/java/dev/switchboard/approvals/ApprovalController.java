package dev.switchboard.approvals;

import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Approvals")
@RestController
class ApprovalController {

    record DecisionRequest(String reason) {}

    private final Approvals approvals;
    private final ApprovalSettings settings;
    private final ApprovalViews views;

    ApprovalController(Approvals approvals, ApprovalSettings settings, ApprovalViews views) {
        this.approvals = approvals;
        this.settings = settings;
        this.views = views;
    }

    static Approvals.Decider decider(TenantScope scope, ApprovalRepository.Via via) {
        return new Approvals.Decider(scope.caller().keyId(), scope.caller().keyId(), via);
    }

    @Operation(summary = "Requests for approval, newest first; status (default pending: any with status=all), batch")
    @GetMapping("/api/v1/tenants/{tenant}/approvals")
    Page<ApprovalViews.ApprovalView> list(
            TenantScope scope,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String batch,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String s = status == null ? "pending" : status.equals("all") ? null : status;
        return approvals
                .page(scope.tenantId(), s, batch, PageRequest.of(limit, cursor))
                .map(views::approval);
    }

    @Operation(summary = "One request for approval (its id is the job's), with its decision")
    @GetMapping("/api/v1/tenants/{tenant}/approvals/{id}")
    ApprovalViews.ApprovalView get(TenantScope scope, @PathVariable String id) {
        return views.approval(approvals.get(scope.tenantId(), id));
    }

    @Operation(
            summary = "Approve a job: it is queued to be sent (403 four_eyes for the key that queued it under four"
                    + " eyes; 409 already decided or expired)")
    @PostMapping("/api/v1/tenants/{tenant}/approvals/{id}/approve")
    ApprovalViews.ApprovalView approve(
            TenantScope scope, @PathVariable String id, @RequestBody(required = false) DecisionRequest body) {
        return views.approval(
                approvals.decide(scope.tenantId(), id, true, reason(body), decider(scope, ApprovalRepository.Via.API)));
    }

    @Operation(summary = "Deny a job: it ends denied, never sent")
    @PostMapping("/api/v1/tenants/{tenant}/approvals/{id}/deny")
    ApprovalViews.ApprovalView deny(
            TenantScope scope, @PathVariable String id, @RequestBody(required = false) DecisionRequest body) {
        return views.approval(approvals.decide(
                scope.tenantId(), id, false, reason(body), decider(scope, ApprovalRepository.Via.API)));
    }

    @Operation(summary = "Approve every pending job of a batch; those that cannot be (four eyes) are listed as refused")
    @PostMapping("/api/v1/tenants/{tenant}/approvals/batches/{batch}/approve")
    Approvals.BatchOutcome approveBatch(
            TenantScope scope, @PathVariable String batch, @RequestBody(required = false) DecisionRequest body) {
        return approvals.decideBatch(
                scope.tenantId(), batch, true, reason(body), decider(scope, ApprovalRepository.Via.API));
    }

    @Operation(summary = "Deny every pending job of a batch")
    @PostMapping("/api/v1/tenants/{tenant}/approvals/batches/{batch}/deny")
    Approvals.BatchOutcome denyBatch(
            TenantScope scope, @PathVariable String batch, @RequestBody(required = false) DecisionRequest body) {
        return approvals.decideBatch(
                scope.tenantId(), batch, false, reason(body), decider(scope, ApprovalRepository.Via.API));
    }

    @Operation(summary = "The tenant's approval settings: four eyes, default expiry, Slack approvals")
    @GetMapping("/api/v1/tenants/{tenant}/approval-settings")
    ApprovalSettings.SettingsView settings(TenantScope scope) {
        return settings.get(scope.tenantId());
    }

    @Operation(summary = "Set the tenant's approval settings (slack null turns Slack approvals off)")
    @PutMapping("/api/v1/tenants/{tenant}/approval-settings")
    ApprovalSettings.SettingsView putSettings(TenantScope scope, @RequestBody ApprovalSettings.SettingsInput in) {
        return settings.put(scope.tenantId(), in);
    }

    @Operation(summary = "The tenant's approval rules, oldest (first to match) first")
    @GetMapping("/api/v1/tenants/{tenant}/approval-rules")
    List<ApprovalViews.RuleView> rules(TenantScope scope) {
        return settings.rules(scope.tenantId()).stream()
                .map(ApprovalViews::rule)
                .toList();
    }

    @Operation(summary = "Add a rule: jobs matching provider, pathPattern, metadata and batchLargerThan need approval")
    @PostMapping("/api/v1/tenants/{tenant}/approval-rules")
    ResponseEntity<ApprovalViews.RuleView> addRule(TenantScope scope, @RequestBody Rules.RuleInput in) {
        var rule = settings.addRule(scope.tenantId(), in);
        return ResponseEntity.created(
                        URI.create("/api/v1/tenants/" + scope.tenantId() + "/approval-rules/" + rule.id()))
                .body(ApprovalViews.rule(rule));
    }

    @Operation(summary = "Delete a rule")
    @DeleteMapping("/api/v1/tenants/{tenant}/approval-rules/{id}")
    ResponseEntity<Void> deleteRule(TenantScope scope, @PathVariable String id) {
        settings.deleteRule(scope.tenantId(), id);
        return ResponseEntity.noContent().build();
    }

    private static String reason(DecisionRequest body) {
        return body == null ? null : body.reason();
    }
}
