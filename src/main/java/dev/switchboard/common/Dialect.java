package dev.switchboard.common;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The database in use. The one place where H2 and PostgreSQL differ for us: everything else is
 * written in the SQL both accept (H2 runs in PostgreSQL mode).
 */
public enum Dialect {
    H2,
    POSTGRESQL;

    public static Dialect of(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            if (product.contains("h2")) return H2;
            if (product.contains("postgres")) return POSTGRESQL;
            throw new IllegalStateException("Unsupported database '" + product + "': use H2 or PostgreSQL 14+.");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database to learn its kind: " + e.getMessage(), e);
        }
    }

    /** The embedded default: a single-node file database, where generated defaults are acceptable. */
    public boolean embedded() {
        return this == H2;
    }
}
