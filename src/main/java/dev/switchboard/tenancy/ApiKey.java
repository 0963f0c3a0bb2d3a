package dev.switchboard.tenancy;

import java.time.Instant;

/**
 * An API key as listed: never the secret, only a prefix to recognise it by. {@code tenantId} is
 * null for platform-admin keys.
 */
record ApiKey(
        String id, String tenantId, String name, Role role, String prefix, Instant createdAt, Instant revokedAt) {}
