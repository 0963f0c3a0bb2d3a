package dev.switchboard.outbound;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where one delivery of a message to one endpoint stands (the {@code deliveries.status} column). */
enum DeliveryStatus {
    /** Waiting for its next attempt, or being attempted. */
    PENDING,
    SUCCEEDED,
    /** Every attempt failed: dead-lettered until recovered or resent. */
    FAILED,
    /** Its endpoint is disabled; it waits without attempts. */
    PAUSED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DeliveryStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
