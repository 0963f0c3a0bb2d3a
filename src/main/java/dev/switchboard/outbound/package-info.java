/**
 * Sending webhooks: event types, endpoints, messages, the delivery queue and its worker, retries,
 * signing.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "inbound", "tenancy", "vault", "egress"})
package dev.switchboard.outbound;
