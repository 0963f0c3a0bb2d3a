/**
 * The provider call log: one row per call Switchboard makes to a provider's API (proxy, outbox
 * attempt, health check, token request), secrets redacted, searchable per tenant, kept for a while.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common", "tenancy"})
package dev.switchboard.calllog;
