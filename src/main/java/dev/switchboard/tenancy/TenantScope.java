package dev.switchboard.tenancy;

/**
 * A tenant the caller may act on, as a controller argument: resolving it is the access check.
 * The tenant comes from the route's {@code {tenant}} path variable; GET, HEAD and OPTIONS need
 * read access, every other method (or a handler marked {@link WriteAccess}) write access, so a
 * viewer gets a 403. Another tenant's tenant, or one that does not exist, is a 404: the same
 * answer, so existence is not revealed. Only {@link TenantScopeResolver} makes one for a request.
 */
public record TenantScope(String tenantId, Caller caller) {

    /** The path variable every tenant-scoped route names its tenant with. */
    public static final String PATH_VARIABLE = "tenant";
}
