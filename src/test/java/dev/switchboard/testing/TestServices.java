package dev.switchboard.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Where the optional services of a test run are, and whether they answer. The default test run
 * uses the embedded H2 database and tries PostgreSQL and Redis at their usual local addresses for
 * the tests that need them; {@code .ci/run} sets {@code SWITCHBOARD_TEST_DATABASE_URL} to run the
 * whole suite on PostgreSQL. With {@code CI=true} a missing service fails the run instead of
 * skipping tests.
 */
public final class TestServices {

    public static final String POSTGRES_URL = env("SWITCHBOARD_TEST_DATABASE_URL", null);
    public static final String POSTGRES_USER = env("SWITCHBOARD_TEST_DATABASE_USER", "postgres");
    public static final String POSTGRES_PASSWORD = env("SWITCHBOARD_TEST_DATABASE_PASSWORD", "");
    public static final String REDIS_URL = env("SWITCHBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    public static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    private TestServices() {}

    /**
     * The Redis the suite's server keeps rate-limit buckets in: set only in the second pass of
     * .ci/run (SWITCHBOARD_TEST_REDIS_URL); otherwise null, and buckets live in the database or memory.
     */
    public static String suiteRedisUrl() {
        return env("SWITCHBOARD_TEST_REDIS_URL", null);
    }

    /** True when the whole suite runs against PostgreSQL (the second pass of .ci/run). */
    public static boolean suiteOnPostgres() {
        return POSTGRES_URL != null;
    }

    /** The PostgreSQL that PostgreSQL-only tests use: the configured one, else the usual local one. */
    public static String postgresUrl() {
        return POSTGRES_URL != null ? POSTGRES_URL : "jdbc:postgresql://127.0.0.1:5432/test";
    }

    public static boolean postgresReachable() {
        URI uri = URI.create(postgresUrl().substring("jdbc:".length()));
        return reachable(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    public static boolean redisReachable() {
        URI uri = URI.create(REDIS_URL);
        return reachable(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
