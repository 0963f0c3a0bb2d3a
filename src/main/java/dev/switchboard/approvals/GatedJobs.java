package dev.switchboard.approvals;

import java.time.Instant;

/**
 * What the approvals module needs of the outbox, implemented there: carrying out a decision on a job
 * that waits for approval, and queueing the Slack message that asks for one. Each call runs in the
 * caller's transaction and changes a job only while it waits for approval.
 */
public interface GatedJobs {

    /** Approved: the job is queued to be sent (it may still wait for its connection). False when it no longer waits. */
    boolean release(String tenantId, String jobId, Instant now);

    /** Denied: the job ends {@code denied}, never sent. False when it no longer waits. */
    boolean deny(String tenantId, String jobId, String why, Instant now);

    /** Expired: the job ends {@code expired}, never sent. False when it no longer waits. */
    boolean expire(String tenantId, String jobId, Instant now);

    /**
     * Queues a POST of a JSON body to a path of a connection (Slack's {@code chat.postMessage}) as an
     * ordinary outbox job, paced and logged like any other, and never itself held for approval.
     */
    String post(String tenantId, String connectionId, String path, byte[] json, java.util.Map<String, String> metadata);
}
