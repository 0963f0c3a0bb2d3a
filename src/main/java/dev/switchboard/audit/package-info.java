/**
 * The audit log: an append-only record of every mutating API and dashboard call and of
 * security-relevant events (keys, secrets, credentials, sign-in), written in the transaction of the
 * change it describes, with no values, only names. Read through the API, purged after its retention.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common", "tenancy"})
package dev.switchboard.audit;
