package dev.switchboard.gateway;

import dev.switchboard.approvals.ApprovalStep;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import dev.switchboard.connections.ConnectionAccess;
import dev.switchboard.consent.ConsentGate;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider API outbox, the use case behind its HTTP API: queueing a call to a provider on a
 * connection's behalf (checked, deduplicated by the tenant's idempotency key, stored before the
 * 202), reading jobs with their attempts, cancelling a job that waits, and retrying a failed one.
 * The {@link OutboxWorker} sends them.
 */
@Service
class Outbox {

    /** A call to queue, as the API takes it; everything but connection and request is optional. */
    record Queue(
            String tenantId,
            String connection,
            String method,
            String path,
            JsonNode query,
            JsonNode headers,
            JsonNode body,
            String idempotencyKey,
            Integer priority,
            String notBefore,
            Integer maxAttempts,
            String deadline,
            JsonNode metadata,
            /** The request as the caller sent it: what the idempotency key's hash covers. */
            Object original,
            String createdBy,
            String requestId,
            /** {@code {"contact","channel","purpose"}}: checked now and again before each send; or null. */
            JsonNode consent,
            /** The job's {@code "approval"} field: whether it must wait for a person's approval. */
            JsonNode approval) {}

    /** A new job, or the earlier one the idempotency key names. */
    sealed interface Queued {
        OutboxRepository.Job job();

        record Accepted(OutboxRepository.Job job) implements Queued {}

        record Repeated(OutboxRepository.Job job) implements Queued {}
    }

    record Detail(OutboxRepository.Job job, List<OutboxRepository.Attempt> attempts) {}

    private final OutboxRepository jobs;
    private final ApprovalStep approvals;
    private final ConnectionAccess connections;
    private final OutboxProperties properties;
    private final TransactionTemplate tx;
    private final ObjectProvider<OutboxWorker> worker;
    private final JsonMapper json;
    private final Clock clock;
    private final ConsentGate consent;

    Outbox(
            OutboxRepository jobs,
            ApprovalStep approvals,
            ConnectionAccess connections,
            OutboxProperties properties,
            TransactionTemplate tx,
            ObjectProvider<OutboxWorker> worker,
            JsonMapper json,
            Clock clock,
            ConsentGate consent) {
        this.consent = consent;
        this.jobs = jobs;
        this.approvals = approvals;
        this.connections = connections;
        this.properties = properties;
        this.tx = tx;
        this.worker = worker;
        this.json = json;
        this.clock = clock;
    }

    /** Queues a call; bad input is an {@link ApiException} and stores nothing. */
    Queued queue(Queue q) {
        Instant now = Sql.now(clock);
        if (q.connection() == null || q.connection().isBlank()) throw ApiException.invalid("connection", "is required");
        var request = new OutboxInput.NewRequest(
                OutboxInput.method(q.method()),
                OutboxInput.path(q.path()),
                OutboxInput.query(q.query()),
                OutboxInput.headers(q.headers()),
                null,
                false);
        request = OutboxInput.withBody(request, q.body(), properties.maxBodyBytes(), json);
        var settings =
                OutboxInput.settings(q.priority(), q.maxAttempts(), q.notBefore(), q.deadline(), q.metadata(), now);
        String key = OutboxInput.idempotencyKey(q.idempotencyKey());
        // The connection must exist now (404 otherwise); it need not be active: its jobs wait for it.
        String provider = connections.provider(q.tenantId(), q.connection());
        // Without consent nothing is stored (403); an e-mail job gets its unsubscribe headers.
        ConsentGate.Consent granted = consent.check(q.tenantId(), q.consent());
        if (granted != null) {
            request = new OutboxInput.NewRequest(
                    request.method(),
                    request.path(),
                    request.query(),
                    request.headers(),
                    consent.withUnsubscribeHeaders(q.tenantId(), provider, granted, request.body(), request.bodyJson()),
                    request.bodyJson());
        }
        byte[] hash = sha256(json.writeValueAsBytes(q.original()));
        Instant due = settings.notBefore() != null && settings.notBefore().isAfter(now) ? settings.notBefore() : now;
        var job = new OutboxRepository.Job(
                Ids.next("job"),
                q.tenantId(),
                q.connection(),
                provider,
                request.method(),
                request.path(),
                request.query(),
                json.writeValueAsString(request.headers()),
                request.body(),
                request.bodyJson(),
                key,
                hash,
                settings.priority(),
                "queued",
                settings.maxAttempts(),
                0,
                1,
                settings.notBefore(),
                settings.deadline(),
                due,
                0,
                null,
                null,
                json.writeValueAsString(settings.metadata()),
                q.createdBy(),
                q.requestId() == null ? null : dev.switchboard.common.Text.storable(q.requestId(), 200),
                now,
                now,
                null);
        for (int attempt = 0; ; attempt++) {
            try {
                var checked = request;
                Queued queued = tx.execute(s -> store(job, hash, granted, q.approval(), checked, settings));
                if (queued instanceof Queued.Accepted) worker.getObject().wake();
                return queued;
            } catch (DuplicateKeyException raced) {
                // A concurrent request with the same key committed first; the next pass finds it.
                if (attempt >= 2) throw raced;
            }
        }
    }

    private Queued store(
            OutboxRepository.Job job,
            byte[] hash,
            ConsentGate.Consent granted,
            JsonNode approval,
            OutboxInput.NewRequest request,
            OutboxInput.Settings settings) {
        if (job.idempotencyKey() != null) {
            Optional<OutboxRepository.Job> earlier = jobs.findByIdempotencyKey(job.tenantId(), job.idempotencyKey());
            if (earlier.isPresent()) {
                if (!MessageDigest.isEqual(earlier.get().requestHash(), hash)) {
                    throw ApiException.conflict("This idempotency key was used for a different request.");
                }
                return new Queued.Repeated(earlier.get());
            }
        }
        // Asked only for a new job (a repeat is the job it repeats), in the transaction that stores it.
        if (approvals.gate(approvalPreview(job, approval, request, settings))) job = job.withStatus(PENDING_APPROVAL);
        jobs.insert(job);
        if (granted != null) consent.attach(job.tenantId(), job.id(), granted);
        return new Queued.Accepted(job);
    }

    /** A job that waits for a person's approval: no worker claims it until it is approved. */
    static final String PENDING_APPROVAL = "pending_approval";

    /** What the approval step sees of a new job: its request redacted, its body cut at 2 KB. */
    private ApprovalStep.Job approvalPreview(
            OutboxRepository.Job job,
            JsonNode approval,
            OutboxInput.NewRequest request,
            OutboxInput.Settings settings) {
        return new ApprovalStep.Job(
                job.tenantId(),
                job.id(),
                job.connectionId(),
                job.provider(),
                job.method(),
                job.path(),
                OutboxRedaction.headers(request.headers()),
                OutboxRedaction.body(request.body(), ApprovalStep.PREVIEW_BYTES, json),
                settings.metadata(),
                approval,
                job.createdBy());
    }

    /** Job statuses, in the order a job passes through them. */
    static final List<String> STATUSES = List.of(
            "pending_approval",
            "queued",
            "held",
            "in_flight",
            "succeeded",
            "failed",
            "cancelled",
            "denied",
            "expired",
            "blocked");

    /** The list's filters as the API and the dashboard take them, checked once for both. */
    static OutboxRepository.Filter filter(
            String connection, String provider, String status, Integer priority, String since) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid(
                    "status",
                    "must be one of "
                            + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        if (priority != null && (priority < OutboxInput.MIN_PRIORITY || priority > OutboxInput.MAX_PRIORITY)) {
            throw ApiException.invalid("priority", "must be between 0 and 9");
        }
        return new OutboxRepository.Filter(connection, provider, status, priority, Timestamps.parse("since", since));
    }

    List<OutboxRepository.Job> list(String tenantId, OutboxRepository.Filter filter, PageRequest page) {
        return jobs.list(tenantId, filter, page);
    }

    /** A page of jobs, newest first, with the cursor to the next. */
    dev.switchboard.common.Page<OutboxRepository.Job> page(
            String tenantId, OutboxRepository.Filter filter, PageRequest page) {
        return dev.switchboard.common.Page.of(
                list(tenantId, filter, page), page, j -> new dev.switchboard.common.Cursor(j.createdAt(), j.id()));
    }

    Detail get(String tenantId, String id) {
        var job = jobs.find(tenantId, id).orElseThrow(() -> ApiException.notFound("job"));
        return new Detail(job, jobs.attempts(tenantId, id));
    }

    /** Cancels a queued or held job; one in flight or finished is a 409. */
    OutboxRepository.Job cancel(String tenantId, String id) {
        var job = jobs.find(tenantId, id).orElseThrow(() -> ApiException.notFound("job"));
        if (!jobs.cancel(tenantId, id, Sql.now(clock))) {
            throw ApiException.conflict("Only a queued or held job can be cancelled; this one is "
                    + jobs.find(tenantId, id).map(OutboxRepository.Job::status).orElse(job.status()) + ".");
        }
        return jobs.find(tenantId, id).orElseThrow();
    }

    /** Queues a failed job again, as a new series of attempts; any other is a 409. */
    OutboxRepository.Job retry(String tenantId, String id) {
        var job = jobs.find(tenantId, id).orElseThrow(() -> ApiException.notFound("job"));
        if (!jobs.retry(tenantId, id, Sql.now(clock))) {
            throw ApiException.conflict("Only a failed job can be retried; this one is " + job.status() + ".");
        }
        worker.getObject().wake();
        return jobs.find(tenantId, id).orElseThrow();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
