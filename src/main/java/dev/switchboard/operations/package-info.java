/**
 * The operator's side: alerts to Slack, Microsoft Teams and webhooks (channels, rules on
 * operational events and thresholds, de-duplication, recovery notices, durable sending), backlog
 * health and gauges, and the log of background job runs.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "tenancy", "vault", "egress", "outbound", "inbound"})
package dev.switchboard.operations;
