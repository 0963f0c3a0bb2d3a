package dev.switchboard.inbound;

import java.time.Instant;

/** A webhook source: one ingest URL, one provider's scheme, one secret (plus the previous during rotation). */
record Source(
        String id,
        String tenantId,
        String name,
        Provider provider,
        SourceOptions options,
        Status status,
        String secretHint,
        Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    enum Status {
        ACTIVE,
        DISABLED,
        DELETED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
