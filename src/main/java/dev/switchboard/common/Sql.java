package dev.switchboard.common;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Small JDBC helpers shared by every repository. PostgreSQL's driver cannot bind {@link Instant}
 * directly, so timestamps travel as UTC {@link OffsetDateTime}s, truncated to the microseconds both
 * databases store so that a value read back equals the value written.
 */
public final class Sql {

    private Sql() {}

    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** "now" as stored: what a repository should write and return for a new row. */
    public static Instant now(java.time.Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
