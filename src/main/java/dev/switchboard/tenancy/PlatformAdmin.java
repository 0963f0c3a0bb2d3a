package dev.switchboard.tenancy;

/**
 * A controller argument for routes only platform admins may use: resolving it is the check (403
 * otherwise). Put it after a {@link TenantScope} argument when the route also names a tenant, so
 * another tenant's caller still gets the 404 that hides the tenant.
 */
public record PlatformAdmin(Caller caller) {}
