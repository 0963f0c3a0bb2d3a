package dev.switchboard.tenancy;

import java.time.Instant;

/** A customer of the platform; every other resource belongs to exactly one tenant. */
public record Tenant(String id, String name, Status status, Instant createdAt, Instant updatedAt) {

    public enum Status {
        ACTIVE,
        DISABLED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
