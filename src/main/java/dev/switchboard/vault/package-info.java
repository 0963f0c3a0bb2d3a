/** Encryption of stored secrets (Tink), keysets and key rotation. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common", "tenancy"})
package dev.switchboard.vault;
