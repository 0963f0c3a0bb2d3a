package dev.switchboard.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The database a test server uses: a fresh H2 file under target/ by default, or a fresh schema in
 * the configured PostgreSQL (dropped when the JVM exits), so runs never see each other's rows.
 */
public final class TestDatabase {

    private static final Map<String, String> SUITE = TestServices.suiteOnPostgres() ? postgres() : h2();

    private TestDatabase() {}

    /** The properties of the suite's shared database, the same for every server in this JVM. */
    public static Map<String, String> suite() {
        return SUITE;
    }

    /** A database of its own for a test that must start from nothing. */
    public static Map<String, String> h2() {
        Path dir = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("switchboard.data-dir", dir.toString());
        return p;
    }

    public static Map<String, String> postgres() {
        String schema =
                "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String base = TestServices.postgresUrl();
        try (Connection c =
                        DriverManager.getConnection(base, TestServices.POSTGRES_USER, TestServices.POSTGRES_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot prepare a test schema in PostgreSQL at " + base + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(base, schema)));
        Path dir = Path.of("target", "test-data", schema).toAbsolutePath();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("switchboard.data-dir", dir.toString());
        p.put("switchboard.database.url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        p.put("switchboard.database.user", TestServices.POSTGRES_USER);
        p.put("switchboard.database.password", TestServices.POSTGRES_PASSWORD);
        p.put("spring.flyway.default-schema", schema);
        p.put("spring.flyway.schemas", schema);
        p.put("switchboard.keyset", TestKeys.KEYSET);
        return p;
    }

    /**
     * Properties as command-line arguments: they outrank application.yml (which
     * {@code SpringApplicationBuilder.properties} would not), so a test server never falls back to ./data.
     */
    public static String[] args(Map<String, ?> properties) {
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }

    private static void dropSchema(String url, String schema) {
        try (Connection c =
                        DriverManager.getConnection(url, TestServices.POSTGRES_USER, TestServices.POSTGRES_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (Exception ignored) {
            // Best effort at exit; a leftover schema is harmless and uniquely named.
        }
    }
}
