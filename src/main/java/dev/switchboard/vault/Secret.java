package dev.switchboard.vault;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A plaintext secret in memory. It reads as {@code [redacted]} in {@code toString()}, so that a
 * record or log line that holds one cannot leak it by accident; the value is only reachable
 * through {@link #reveal()}, which is easy to search for.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    /** A hint safe to show: the last four characters of a long secret, nothing of a short one. */
    public String hint() {
        return value.length() >= 16 ? "…" + value.substring(value.length() - 4) : "…";
    }

    @JsonValue
    String json() {
        return "[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s
                && java.security.MessageDigest.isEqual(
                        s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the value would be a (weak) oracle for it; secrets are not map keys
    }

    @Override
    public String toString() {
        return "[redacted]";
    }
}
