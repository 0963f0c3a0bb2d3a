package dev.switchboard.tenancy;

/**
 * The authenticated caller of an API request: which key, which tenant (null for platform admins)
 * and its role. Controllers receive it with {@code @AuthenticationPrincipal}.
 */
public record Caller(String keyId, String tenantId, Role role) {

    public boolean platformAdmin() {
        return role == Role.PLATFORM_ADMIN;
    }

    public boolean canWrite() {
        return role != Role.VIEWER;
    }

    /** True when this caller may see the tenant at all (otherwise the tenant is a 404 to it). */
    public boolean sees(String tenant) {
        return platformAdmin() || tenantId.equals(tenant);
    }
}
