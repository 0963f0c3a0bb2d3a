package dev.switchboard.testing;

import dev.switchboard.Switchboard;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The cross-node pacing harness: what the rate-limit tests need to stand for several nodes sharing
 * one limiter backend, and to measure the pace a provider saw. Used by the bucket tests (several
 * limiter instances over one store) and the outbox pacing tests (several servers in this JVM).
 */
public final class Pacing {

    private Pacing() {}

    /** A schema of its own in the test PostgreSQL with every migration applied, dropped on close. */
    public static final class Schema implements AutoCloseable {
        private final String url;
        private final String name;
        private final DriverManagerDataSource dataSource;

        private Schema(String url, String name) {
            this.url = url;
            this.name = name;
            this.dataSource = new DriverManagerDataSource(
                    url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name,
                    TestServices.POSTGRES_USER,
                    TestServices.POSTGRES_PASSWORD);
        }

        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        public void close() throws Exception {
            execute(url, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    /** A fresh migrated schema named {@code prefix} plus a random tail, for stores two nodes share. */
    public static Schema postgresSchema(String prefix) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String url = TestServices.postgresUrl();
        execute(url, "CREATE SCHEMA " + name);
        Schema schema = new Schema(url, name);
        try {
            Flyway.configure()
                    .dataSource(schema.dataSource())
                    .schemas(name)
                    .locations("classpath:db/migration/common", "classpath:db/migration/postgresql")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            schema.close();
            throw e;
        }
        return schema;
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(url, TestServices.POSTGRES_USER, TestServices.POSTGRES_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * The rate a provider saw, from its arrival times (nanoTime): the calls beyond the first burst,
     * per second between the first arrival and the last (a token bucket grants at most burst + rate × time).
     */
    public static double achievedRate(List<Long> arrivalNanos, int burst) {
        List<Long> sorted = arrivalNanos.stream().sorted().toList();
        double seconds = (sorted.getLast() - sorted.getFirst()) / 1e9;
        return (sorted.size() - burst) / seconds;
    }

    /**
     * Switchboard servers in this JVM (each its own Spring context on a random port) over the same
     * database and settings: nodes of one cluster. Started one after the other (the first migrates
     * the database); closed together.
     */
    public static final class Nodes implements AutoCloseable {
        private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        private final List<Api> apis = new ArrayList<>();

        public static Nodes start(int count, Map<String, String> properties) {
            Nodes nodes = new Nodes();
            try {
                for (int i = 0; i < count; i++) {
                    Map<String, String> p = new java.util.HashMap<>(properties);
                    p.put("server.port", "0");
                    p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
                    for (String limit : List.of("api", "inbound")) {
                        p.putIfAbsent("switchboard." + limit + ".rate-limit.per-second", "100000");
                        p.putIfAbsent("switchboard." + limit + ".rate-limit.burst", "100000");
                    }
                    var context = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
                    nodes.contexts.add(context);
                    nodes.apis.add(
                            new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port"))));
                }
            } catch (RuntimeException e) {
                nodes.close();
                throw e;
            }
            return nodes;
        }

        public List<Api> apis() {
            return apis;
        }

        public List<ConfigurableApplicationContext> contexts() {
            return contexts;
        }

        @Override
        public void close() {
            for (var c : contexts) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    // Closing the others matters more.
                }
            }
        }
    }
}
