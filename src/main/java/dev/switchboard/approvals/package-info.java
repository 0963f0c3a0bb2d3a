/**
 * Approval gates on provider API calls: a job that a caller or a tenant rule marks as needing a
 * human's approval waits until a tenant admin approves it (over the API, on the dashboard, or with a
 * button in Slack), is denied, or expires. The outbox asks {@link dev.switchboard.approvals.ApprovalStep}
 * when it queues a job, and carries out decisions through {@link dev.switchboard.approvals.GatedJobs},
 * which it implements; this module never touches the outbox's tables.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"audit", "common", "connections", "egress", "inbound", "outbound", "tenancy", "vault"})
package dev.switchboard.approvals;
