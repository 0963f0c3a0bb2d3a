package dev.switchboard.common;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

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

    /** Rows a {@link #streaming} client's reads fetch at a time. */
    public static final int STREAM_FETCH_ROWS = 1_000;

    /**
     * A client on the same data source (and so in the caller's transaction) for reads that hand many
     * rows to a callback, one by one. PostgreSQL's driver reads a whole result into memory before it
     * hands over the first row, unless the statement has a fetch size and runs inside a transaction;
     * then it reads {@link #STREAM_FETCH_ROWS} at a time through a cursor. (The analytics rollups read
     * every delivery attempt of the last minutes every 30 s: on a node delivering 1,000 a second, a
     * third of a million rows held at once, and a heap grown by hundreds of MB to hold them.) Call
     * its reads inside a transaction: outside one, the driver ignores the fetch size.
     */
    public static JdbcClient streaming(DataSource dataSource) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(STREAM_FETCH_ROWS);
        return JdbcClient.create(template);
    }

    /** "now" as stored: what a repository should write and return for a new row. */
    public static Instant now(java.time.Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
