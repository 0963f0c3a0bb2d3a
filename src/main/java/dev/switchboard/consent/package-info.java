/**
 * Consent: a tenant's contacts (personal fields sealed with a data key per contact, shown masked),
 * their consent per channel and purpose with its history, the check the outbox makes when a job is
 * queued and again just before it is sent ({@link dev.switchboard.consent.ConsentGate}), one-click
 * unsubscribe links (RFC 8058), preferences, export and erasure (crypto-shredding).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"audit", "common", "tenancy", "vault"})
package dev.switchboard.consent;
