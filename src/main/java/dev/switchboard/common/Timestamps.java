package dev.switchboard.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Timestamps that callers send: RFC 3339 with an offset, or a 400 naming the field. */
public final class Timestamps {

    private Timestamps() {}

    /** Null stays null (an absent optional value). */
    public static Instant parse(String field, String value) {
        if (value == null) return null;
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }
}
