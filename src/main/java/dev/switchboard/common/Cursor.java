package dev.switchboard.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The position after which the next page starts: the sort key of the last row returned. Opaque to
 * clients (base64url) so the encoding can change without breaking them.
 */
public record Cursor(Instant at, String id) {

    public String encode() {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        String raw = "1|" + micros + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor a client sent back; anything we did not produce is a 400, never a 500. */
    public static Cursor decode(String encoded) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3 || !parts[0].equals("1") || parts[2].isEmpty()) throw new IllegalArgumentException();
            long micros = Long.parseLong(parts[1]);
            Instant at =
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
            if (!Timestamps.storable(at)) throw new IllegalArgumentException();
            return new Cursor(at, parts[2]);
        } catch (RuntimeException e) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned");
        }
    }
}
