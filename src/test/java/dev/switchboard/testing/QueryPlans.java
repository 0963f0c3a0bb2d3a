package dev.switchboard.testing;

import dev.switchboard.common.Claims;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;

/**
 * The plans PostgreSQL chooses for our statements when it knows nothing about the tables: a fresh
 * schema, migrated, filled with rows, never analyzed (autovacuum off for its tables), and each
 * statement prepared and explained as a generic plan ({@code plan_cache_mode = force_generic_plan}),
 * which is what a pooled, prepared statement runs after its first executions.
 */
public final class QueryPlans implements AutoCloseable {

    private final Connection connection;
    private final AtomicInteger prepared = new AtomicInteger();

    private QueryPlans(Connection connection) {
        this.connection = connection;
    }

    /** A new migrated schema whose {@code tables} autovacuum will never analyze. */
    public static QueryPlans freshSchema(String... tables) throws SQLException {
        Map<String, String> db = TestDatabase.postgres();
        Flyway.configure()
                .dataSource(
                        db.get("switchboard.database.url"), TestServices.POSTGRES_USER, TestServices.POSTGRES_PASSWORD)
                .schemas(db.get("spring.flyway.default-schema"))
                .locations("classpath:db/migration/common", "classpath:db/migration/postgresql")
                .load()
                .migrate();
        Connection c = DriverManager.getConnection(
                db.get("switchboard.database.url"), TestServices.POSTGRES_USER, TestServices.POSTGRES_PASSWORD);
        QueryPlans plans = new QueryPlans(c);
        for (String table : tables) plans.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
        return plans;
    }

    /**
     * This schema's one connection as a data source, to run a repository's own code on its rows (a
     * transaction on it turns auto-commit off until it ends).
     */
    public javax.sql.DataSource dataSource() {
        return new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true);
    }

    public void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row of a query without parameters, as text. */
    public String query(String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * The generic plan of a statement with named parameters ({@code :name}; a collection is an IN
     * list, an array one array parameter).
     */
    public String plan(String sql, Map<String, ?> params) throws SQLException {
        return plan(sql, params, "force_generic_plan");
    }

    /** The plan of a statement with named parameters, made under {@code planCacheMode}. */
    private String plan(String sql, Map<String, ?> params, String planCacheMode) throws SQLException {
        return plan(sql, params, planCacheMode, "EXPLAIN EXECUTE ");
    }

    private String plan(String sql, Map<String, ?> params, String planCacheMode, String explain) throws SQLException {
        ParsedSql parsed = NamedParameterUtils.parseSqlStatement(sql);
        MapSqlParameterSource source = new MapSqlParameterSource(params);
        String positional = NamedParameterUtils.substituteNamedParameters(parsed, source);
        List<Object> values = new ArrayList<>();
        for (Object v : NamedParameterUtils.buildValueArray(parsed, source, null)) {
            if (v instanceof Collection<?> list) values.addAll(list);
            else values.add(v);
        }
        return planOf(positional, values, planCacheMode, explain);
    }

    /** The plan made for these values and the tables as they are now ({@link Claims#withCustomPlans}). */
    public String customPlan(String sql, Map<String, ?> params) throws SQLException {
        return plan(sql, params, "force_custom_plan");
    }

    /** The generic plan of a claim, under the planner settings {@link Claims} runs every claim with. */
    public String claimPlan(String sql, Map<String, ?> params) throws SQLException {
        return planUnder(Claims.ORDERED_SCAN, sql, params);
    }

    /** The generic plan of a read by keys, under the settings {@link Claims#byKeys} runs it with. */
    public String keyLookupPlan(String sql, Map<String, ?> params) throws SQLException {
        return planUnder(Claims.KEY_LOOKUP, sql, params);
    }

    /**
     * The generic plan of a claim run for real ({@code EXPLAIN (ANALYZE, BUFFERS)}), under the
     * claims' planner settings: what it read, not what the planner guessed. Not for statements that
     * write.
     */
    public String claimRun(String sql, Map<String, ?> params) throws SQLException {
        return planUnder(Claims.ORDERED_SCAN, sql, params, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE ");
    }

    /** The generic plan of a read run for real ({@code EXPLAIN (ANALYZE, BUFFERS)}), under default settings. */
    public String run(String sql, Map<String, ?> params) throws SQLException {
        return plan(sql, params, "force_generic_plan", "EXPLAIN (ANALYZE, BUFFERS) EXECUTE ");
    }

    /**
     * The rows a run ({@link #claimRun}, {@link #run}) handled, as a measure of its work that the table's packing
     * does not change: the most any node returned over all its loops, and every row a filter threw
     * away.
     */
    public static long rowsRead(String run) {
        long most = 0;
        var returned = java.util.regex.Pattern.compile("actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+) loops=(\\d+)")
                .matcher(run);
        while (returned.find())
            most = Math.max(most, Long.parseLong(returned.group(1)) * Long.parseLong(returned.group(2)));
        long removed = 0;
        var filtered = java.util.regex.Pattern.compile("Rows Removed by Filter: (\\d+)")
                .matcher(run);
        while (filtered.find()) removed += Long.parseLong(filtered.group(1));
        return most + removed;
    }

    /**
     * The pages a run ({@link #claimRun}, {@link #run}) read, from its top node's buffers (hit and read):
     * what index entries of rows VACUUM has not yet removed cost, which no row count shows.
     */
    public static long buffers(String run) {
        var top = java.util.regex.Pattern.compile("Buffers: shared((?: \\w+=\\d+)+)")
                .matcher(run);
        if (!top.find()) return 0;
        long pages = 0;
        var counts = java.util.regex.Pattern.compile("(hit|read)=(\\d+)").matcher(top.group(1));
        while (counts.find()) pages += Long.parseLong(counts.group(2));
        return pages;
    }

    private String planUnder(Map<String, String> settings, String sql, Map<String, ?> params) throws SQLException {
        return planUnder(settings, sql, params, "EXPLAIN EXECUTE ");
    }

    private String planUnder(Map<String, String> settings, String sql, Map<String, ?> params, String explain)
            throws SQLException {
        for (var setting : settings.entrySet()) execute("SET " + setting.getKey() + " = " + setting.getValue());
        try {
            return plan(sql, params, "force_generic_plan", explain);
        } finally {
            execute("RESET ALL");
        }
    }

    /** The generic plan of a statement with {@code ?} parameters. */
    public String plan(String sql, Object... values) throws SQLException {
        return planOf(sql, List.of(values), "force_generic_plan", "EXPLAIN EXECUTE ");
    }

    private String planOf(String questionMarks, List<Object> values, String planCacheMode, String explain)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char ch : questionMarks.toCharArray()) {
            if (ch == '?') sql.append('$').append(++n);
            else sql.append(ch);
        }
        if (n != values.size()) throw new IllegalArgumentException(n + " parameters, " + values.size() + " values");
        String name = "plan_" + prepared.incrementAndGet();
        List<String> literals = values.stream().map(QueryPlans::literal).toList();
        execute("SET plan_cache_mode = " + planCacheMode);
        execute("PREPARE " + name + " AS " + sql);
        StringBuilder plan = new StringBuilder();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        explain + name + (literals.isEmpty() ? "" : "(" + String.join(", ", literals) + ")"))) {
            while (rs.next()) plan.append(rs.getString(1)).append('\n');
        } finally {
            execute("DEALLOCATE " + name);
        }
        return plan.toString();
    }

    private static String literal(Object v) {
        if (v == null) return "NULL";
        if (v instanceof Number) return v.toString();
        if (v instanceof OffsetDateTime t) return "'" + t + "'";
        if (v instanceof Object[] array) {
            // An array parameter ({@code = ANY(:ids)}), as its text form: '{"a","b"}'.
            return literal(java.util.Arrays.stream(array)
                    .map(e -> "\"" + e.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    .collect(java.util.stream.Collectors.joining(",", "{", "}")));
        }
        return "'" + v.toString().replace("'", "''") + "'";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
