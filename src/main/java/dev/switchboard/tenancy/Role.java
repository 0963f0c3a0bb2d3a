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

    static Role fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
