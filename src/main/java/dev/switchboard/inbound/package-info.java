/**
 * Receiving webhooks: sources, signature verifiers, ingest, the event store, processing and replay.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common", "tenancy", "vault", "egress"})
package dev.switchboard.inbound;
