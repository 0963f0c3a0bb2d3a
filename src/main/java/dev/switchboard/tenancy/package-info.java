/** Tenants, API keys, roles, and authenticating requests. */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common"})
package dev.switchboard.tenancy;
