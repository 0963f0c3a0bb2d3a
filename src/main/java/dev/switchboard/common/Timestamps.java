package dev.switchboard.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Timestamps that callers send: RFC 3339 with an offset, or a 400 naming the field. */
public final class Timestamps {

    /**
     * The range every database we run on stores and compares without error; a timestamp outside it
     * is a 400 here rather than a failed query (a 500) there.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Timestamps() {}

    static boolean storable(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    /** Null stays null (an absent optional value). */
    public static Instant parse(String field, String value) {
        if (value == null) return null;
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
        if (!storable(at)) throw ApiException.invalid(field, "must be between the years 0001 and 9999");
        return at;
    }
}
