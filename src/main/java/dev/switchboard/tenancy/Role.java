package dev.switchboard.tenancy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a key may do. Platform admins act on every tenant; tenant keys on their own tenant only. */
public enum Role {
    PLATFORM_ADMIN,
    ADMIN,
    VIEWER;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Exactly a wire value: {@code "admin "} or {@code "ADMIN"} is not {@code admin}. */
    static Role fromWire(String value) {
        for (Role r : values()) if (r.wire().equals(value)) return r;
        throw new IllegalArgumentException("Unknown role");
    }
}
