package dev.switchboard.gateway;

import dev.switchboard.approvals.GatedJobs;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.ConnectionAccess;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox's side of approval gates: an approved job is queued (and the worker woken after the
 * commit), a denied or expired one ends without being sent, and the Slack message asking for an
 * approval is queued as an ordinary job on the tenant's Slack connection. An approved job whose
 * connection is suspended is held by the worker like any other, and goes when the connection is
 * active again ({@link HeldJobs}).
 */
@Component
class ApprovalOutbox implements GatedJobs {

    private final OutboxRepository jobs;
    private final ConnectionAccess connections;
    private final ObjectProvider<OutboxWorker> worker;
    private final JsonMapper json;
    private final Clock clock;

    ApprovalOutbox(
            OutboxRepository jobs,
            ConnectionAccess connections,
            ObjectProvider<OutboxWorker> worker,
            JsonMapper json,
            Clock clock) {
        this.jobs = jobs;
        this.connections = connections;
        this.worker = worker;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public boolean release(String tenantId, String jobId, Instant now) {
        if (!jobs.approve(tenantId, jobId, now)) return false;
        wakeAfterCommit();
        return true;
    }

    @Override
    public boolean deny(String tenantId, String jobId, String why, Instant now) {
        String error = "Denied" + (why == null ? "." : ": " + dev.switchboard.common.Text.storable(why, 1900));
        return jobs.closeUnapproved(tenantId, jobId, "denied", error, now);
    }

    @Override
    public boolean expire(String tenantId, String jobId, Instant now) {
        return jobs.closeUnapproved(tenantId, jobId, "expired", "No decision before the approval expired.", now);
    }

    @Override
    public String post(String tenantId, String connectionId, String path, byte[] body, Map<String, String> metadata) {
        Instant now = Sql.now(clock);
        String provider = connections.provider(tenantId, connectionId);
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/json; charset=utf-8"));
        var job = new OutboxRepository.Job(
                Ids.next("job"),
                tenantId,
                connectionId,
                provider,
                "POST",
                OutboxInput.path(path),
                null,
                json.writeValueAsString(headers),
                body,
                true,
                null,
                sha256(body),
                OutboxInput.DEFAULT_PRIORITY,
                "queued",
                OutboxInput.DEFAULT_MAX_ATTEMPTS,
                0,
                1,
                null,
                null,
                now,
                0,
                null,
                null,
                json.writeValueAsString(metadata),
                null,
                null,
                now,
                now,
                null);
        jobs.insert(job);
        wakeAfterCommit();
        return job.id();
    }

    private void wakeAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.ifAvailable(OutboxWorker::wake);
                }
            });
        } else {
            worker.ifAvailable(OutboxWorker::wake);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
