package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.outbound.OperationalEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Approval gates, the use case behind the API, the dashboard and Slack: holding a job that needs
 * approval, listing what waits, and deciding. A decision records who, when, how and why, carries
 * itself out on the job ({@link GatedJobs}) and emits {@code switchboard.approval.*}, all in one
 * transaction, and only when this decision is the one that changed the request from pending.
 */
@Service
class Approvals {

    static final String REQUESTED = "switchboard.approval.requested";
    static final String APPROVED = "switchboard.approval.approved";
    static final String DENIED = "switchboard.approval.denied";
    static final String EXPIRED = "switchboard.approval.expired";
    /** At most this many requests of a batch are decided by one batch call. */
    static final int BATCH_LIMIT = 1000;

    /** Who decides: the key (or session) on the API or dashboard, or a Slack user the tenant allowed. */
    record Decider(String by, String keyId, ApprovalRepository.Via via) {}

    /** A batch decision: the requests it decided, and those it could not, each with the reason. */
    record BatchOutcome(String batch, String decision, List<String> decided, List<Refusal> refused) {}

    record Refusal(String id, String code, String detail) {}

    private final ApprovalRepository approvals;
    private final ApprovalRuleRepository rules;
    private final ObjectProvider<GatedJobs> jobs;
    private final ObjectProvider<SlackApprovals> slack;
    private final OperationalEvents events;
    private final dev.switchboard.audit.ActionLog audit;
    private final ApprovalsProperties properties;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    Approvals(
            ApprovalRepository approvals,
            ApprovalRuleRepository rules,
            ObjectProvider<GatedJobs> jobs,
            ObjectProvider<SlackApprovals> slack,
            OperationalEvents events,
            dev.switchboard.audit.ActionLog audit,
            ApprovalsProperties properties,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.approvals = approvals;
        this.rules = rules;
        this.jobs = jobs;
        this.slack = slack;
        this.events = events;
        this.audit = audit;
        this.properties = properties;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** @see ApprovalStep#gate */
    boolean gate(ApprovalStep.Job job) {
        Instant now = Sql.now(clock);
        Rules.Ask ask = Rules.ask(job.approval());
        String batch = ask.batch() != null ? ask.batch() : job.metadata().get("batch");
        if (batch != null) Rules.text(batch, "metadata.batch", 200);
        var tenantRules = rules.rulesForTenant(job.tenantId());
        // A batch is counted only for a tenant with a rule on a batch's size: no write per job otherwise.
        boolean sized = tenantRules.stream().anyMatch(r -> r.batchOver() != null);
        int batchSize = batch == null || !sized ? 0 : rules.countIntoBatch(job.tenantId(), batch, now);
        var candidate = new Rules.Candidate(job.provider(), job.path(), job.metadata(), batchSize);
        var rule = Rules.match(tenantRules, candidate).orElse(null);
        if (!ask.required() && rule == null) return false;
        var settings = rules.settingsForTenant(job.tenantId()).orElse(null);
        Duration expiresIn = ask.expiresIn() != null
                ? ask.expiresIn()
                : rule != null && rule.expiresInSeconds() != null
                        ? Duration.ofSeconds(rule.expiresInSeconds())
                        : settings != null
                                ? Duration.ofSeconds(settings.expiresInSeconds())
                                : properties.defaultExpiry();
        boolean fourEyes =
                ask.fourEyes() || (rule != null && rule.fourEyes()) || (settings != null && settings.fourEyes());
        String reason = ask.reason() != null ? ask.reason() : rule != null ? "Rule: " + rule.name() : null;
        Map<String, Object> preview = new LinkedHashMap<>();
        preview.put("method", job.method());
        preview.put("path", job.path());
        preview.put("headers", job.headers());
        preview.put("body", job.bodyPreview());
        preview.put("metadata", job.metadata());
        var approval = new ApprovalRepository.Approval(
                job.jobId(),
                job.tenantId(),
                job.connectionId(),
                job.provider(),
                batch,
                ApprovalRepository.Status.PENDING,
                reason,
                rule == null ? null : rule.id(),
                fourEyes,
                job.createdBy(),
                dev.switchboard.common.Text.storable(json.writeValueAsString(preview), 12000),
                now.plus(expiresIn),
                now,
                null,
                null,
                null,
                null);
        approvals.insert(approval);
        Map<String, Object> data = data(approval);
        data.put("method", job.method());
        data.put("path", job.path());
        data.put("metadata", job.metadata());
        data.put("fourEyes", fourEyes);
        data.put("expiresAt", approval.expiresAt().toString());
        events.emit(job.tenantId(), REQUESTED, data, now);
        if (settings != null && settings.slack()) slack.getObject().ask(settings, approval, job);
        return true;
    }

    Page<ApprovalRepository.Approval> page(String tenantId, String status, String batch, PageRequest page) {
        ApprovalRepository.Status s = status(status);
        var rows = approvals.listForTenant(tenantId, s, blankIsNull(batch), page);
        return Page.of(rows, page, a -> new Cursor(a.createdAt(), a.id()));
    }

    ApprovalRepository.Approval get(String tenantId, String id) {
        return approvals.findForTenant(tenantId, id).orElseThrow(() -> ApiException.notFound("approval"));
    }

    /** Approves or denies one request; a request already decided is a 409, four eyes refused a 403. */
    ApprovalRepository.Approval decide(String tenantId, String id, boolean approve, String reason, Decider who) {
        String why = Rules.text(reason, "reason", 1000);
        tx.executeWithoutResult(s -> decideInTransaction(get(tenantId, id), approve, why, who));
        return get(tenantId, id);
    }

    /** Approves or denies every pending request of a batch, each on its own; says which it could not. */
    BatchOutcome decideBatch(String tenantId, String batch, boolean approve, String reason, Decider who) {
        String why = Rules.text(reason, "reason", 1000);
        List<String> decided = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        for (var a : approvals.pendingInBatchForTenant(tenantId, batch, BATCH_LIMIT)) {
            try {
                tx.executeWithoutResult(s -> decideInTransaction(a, approve, why, who));
                decided.add(a.id());
            } catch (ApiException e) {
                refused.add(new Refusal(a.id(), e.code().code(), e.getMessage()));
            }
        }
        if (decided.isEmpty() && refused.isEmpty()) throw ApiException.notFound("batch with pending approvals");
        return new BatchOutcome(batch, approve ? "approved" : "denied", decided, refused);
    }

    private void decideInTransaction(ApprovalRepository.Approval a, boolean approve, String why, Decider who) {
        Instant now = Sql.now(clock);
        if (a.status() != ApprovalRepository.Status.PENDING) {
            throw ApiException.conflict("This request was already " + a.status().wire() + ".");
        }
        if (!now.isBefore(a.expiresAt())) {
            throw ApiException.conflict("This request expired at " + a.expiresAt() + ".");
        }
        if (a.fourEyes() && who.keyId() != null && who.keyId().equals(a.requestedBy())) {
            throw new ApiException(
                    ErrorCode.FOUR_EYES,
                    "Four eyes: the key that queued this job cannot decide on it; ask another admin.");
        }
        var status = approve ? ApprovalRepository.Status.APPROVED : ApprovalRepository.Status.DENIED;
        if (!approvals.decideForTenant(
                a.tenantId(), a.id(), new ApprovalRepository.Decided(status, who.by(), who.via(), why, now))) {
            throw ApiException.conflict("This request was decided meanwhile.");
        }
        boolean carried = approve
                ? jobs.getObject().release(a.tenantId(), a.id(), now)
                : jobs.getObject().deny(a.tenantId(), a.id(), why, now);
        // The job left pending_approval another way (cancelled): the decision cannot stand.
        if (!carried) throw ApiException.conflict("The job no longer waits for approval.");
        Map<String, Object> data = data(a);
        data.put("decidedBy", who.by());
        data.put("via", who.via().wire());
        data.put("reason", why);
        events.emit(a.tenantId(), approve ? APPROVED : DENIED, data, now);
    }

    /**
     * Expires requests whose time is up, each in its own transaction; a request decided meanwhile
     * (by another node's loop, or a person) is left as it was. Returns how many expired.
     */
    int expireDue(int limit) {
        Instant now = Sql.now(clock);
        int expired = 0;
        for (var a : approvals.expired(now, limit)) {
            Boolean done = tx.execute(s -> {
                var decided = new ApprovalRepository.Decided(
                        ApprovalRepository.Status.EXPIRED, "system", ApprovalRepository.Via.EXPIRY, null, now);
                if (!approvals.decideForTenant(a.tenantId(), a.id(), decided)) return false;
                jobs.getObject().expire(a.tenantId(), a.id(), now);
                audit.record(null, a.tenantId(), "system", "approval.expire", "approval", a.id(), 200);
                Map<String, Object> data = data(a);
                data.put("expiresAt", a.expiresAt().toString());
                events.emit(a.tenantId(), EXPIRED, data, now);
                return true;
            });
            if (Boolean.TRUE.equals(done)) expired++;
        }
        return expired;
    }

    private static Map<String, Object> data(ApprovalRepository.Approval a) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", a.id());
        data.put("connectionId", a.connectionId());
        data.put("provider", a.provider());
        data.put("batch", a.batchId());
        data.put("requestReason", a.reason());
        return data;
    }

    static ApprovalRepository.Status status(String status) {
        if (status == null || status.isBlank()) return null;
        for (var s : ApprovalRepository.Status.values()) if (s.wire().equals(status)) return s;
        throw ApiException.invalid("status", "must be one of pending, approved, denied, expired");
    }

    static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
