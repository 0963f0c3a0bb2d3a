package dev.switchboard.common;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims due work rows for this node, safely with several nodes on one database: rows another node
 * holds are skipped ({@code FOR UPDATE SKIP LOCKED}), and the claimed rows are marked (typically
 * with a lease and a new fencing token) before the locks are released. On PostgreSQL this is one
 * statement; H2 cannot put {@code FOR UPDATE} in a subquery, so there it is a select and an update
 * in one transaction. The only dialect-specific SQL in Switchboard lives here; what is due, and
 * what a claim marks, belongs to the repository that owns the table.
 *
 * <p>It also inserts batches of new rows that may already exist ({@link #insertNew}), for the same
 * reason: PostgreSQL says which rows went in with {@code RETURNING}, which H2 does not have.
 */
@Component
public class Claims {

    /**
     * One kind of claim.
     *
     * @param table the work table, with a primary key {@code id}
     * @param due the condition for a claimable row (named parameters)
     * @param order the claim order, e.g. {@code next_attempt_at}
     * @param mark the SET clause applied to claimed rows, e.g. {@code locked_until = :lease}
     */
    public record Claim(String table, String due, String order, String mark) {

        private String select() {
            return "SELECT id FROM " + table + " WHERE " + due + " ORDER BY " + order + " LIMIT :claimLimit"
                    + " FOR UPDATE SKIP LOCKED";
        }

        /**
         * The single statement that claims on PostgreSQL (its limit is {@code :claimLimit}), run with
         * {@link #ORDERED_SCAN} set.
         */
        public String postgresql() {
            return postgresql("id");
        }

        /** The same, returning the claimed rows' {@code columns} as the claim left them. */
        public String postgresql(String columns) {
            return "UPDATE " + table + " SET " + mark + " WHERE id IN (" + select() + ") RETURNING " + columns;
        }
    }

    /**
     * The planner settings a claim runs under on PostgreSQL, by name. On a table it has no statistics
     * for (autovacuum off, or not yet run) the planner guesses that few rows are due, and reads every
     * due row through a bitmap scan and sorts them to take the first few; the due index already holds
     * them in claim order. With sorting ruled out it walks that index and stops at the limit.
     *
     * <p>Ruling sorting out adds a huge cost to any plan that still sorts (a small table whose claim
     * order no index gives, such as replay jobs by creation time), and past {@code jit_above_cost}
     * PostgreSQL compiles the statement with LLVM: some 200 ms of CPU for each claim of an empty
     * table, every poll. A claim is a short statement that JIT never pays off for, so it is off too.
     */
    public static final Map<String, String> ORDERED_SCAN = Map.of("enable_sort", "off", "jit", "off");

    /** {@link #ORDERED_SCAN} for the current transaction, in one round trip. */
    private static final String SET_ORDERED_SCAN = setLocal(ORDERED_SCAN);

    /**
     * The planner settings a read of claimed rows by their keys runs under on PostgreSQL, by name. A
     * pooled connection keeps the generic plan it settled on after its first executions, costed on
     * the tables' sizes then; with no statistics, a node started on small tables kept reading every
     * row of {@code messages} (hash-joined) for each batch it loaded, 10 ms and growing per batch once
     * they held thousands. With scans of whole tables and hash and merge joins ruled out, the plan is
     * a primary-key lookup per key at any size.
     */
    public static final Map<String, String> KEY_LOOKUP =
            Map.of("enable_seqscan", "off", "enable_hashjoin", "off", "enable_mergejoin", "off", "jit", "off");

    private static final String SET_KEY_LOOKUP = setLocal(KEY_LOOKUP);

    /** Plans made for each execution's own values ({@link #withCustomPlans}), and back to the default. */
    private static final String SET_CUSTOM_PLANS = setLocal(Map.of("plan_cache_mode", "force_custom_plan"));

    private static final String SET_AUTO_PLANS = setLocal(Map.of("plan_cache_mode", "auto"));

    private static String setLocal(Map<String, String> settings) {
        return settings.entrySet().stream()
                .map(e -> "set_config('" + e.getKey() + "', '" + e.getValue() + "', true)")
                .collect(java.util.stream.Collectors.joining(", ", "SELECT ", ""));
    }

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final Dialect dialect;
    private final TransactionTemplate tx;

    Claims(JdbcClient jdbc, NamedParameterJdbcTemplate named, Dialect dialect, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.named = named;
        this.dialect = dialect;
        this.tx = tx;
    }

    /**
     * Inserts rows into {@code table}, skipping each that conflicts with a row already there ({@code
     * ON CONFLICT DO NOTHING}), and says which went in. Run it inside the caller's transaction. On
     * PostgreSQL this is one multi-row statement that returns the ids it inserted; on H2 a JDBC batch
     * of the single-row statement, whose update counts say the same.
     *
     * @param rows each row's values by column, every row with the same columns in the same order, one
     *     of them {@code id}; rows that conflict with each other must not be passed together
     * @return for each row, in order, whether it was inserted
     */
    public boolean[] insertNew(String table, List<? extends Map<String, ?>> rows) {
        boolean[] inserted = new boolean[rows.size()];
        if (rows.isEmpty()) return inserted;
        List<String> columns = List.copyOf(rows.getFirst().keySet());
        String into = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ";
        if (dialect == Dialect.POSTGRESQL) {
            StringBuilder sql = new StringBuilder(into);
            MapSqlParameterSource params = new MapSqlParameterSource();
            for (int r = 0; r < rows.size(); r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int c = 0; c < columns.size(); c++) {
                    String name = "r" + r + "c" + c;
                    sql.append(c == 0 ? ":" : ", :").append(name);
                    params.addValue(name, rows.get(r).get(columns.get(c)));
                }
                sql.append(')');
            }
            sql.append(" ON CONFLICT DO NOTHING RETURNING id");
            java.util.Set<Object> ids =
                    new java.util.HashSet<>(named.queryForList(sql.toString(), params, Object.class));
            for (int r = 0; r < rows.size(); r++)
                inserted[r] = ids.contains(rows.get(r).get("id"));
            return inserted;
        }
        String sql = into + "(:" + String.join(", :", columns) + ") ON CONFLICT DO NOTHING";
        @SuppressWarnings("unchecked")
        Map<String, ?>[] batch = rows.toArray(new Map[0]);
        int[] counts = named.batchUpdate(sql, batch);
        for (int r = 0; r < rows.size(); r++) inserted[r] = counts[r] == 1;
        return inserted;
    }

    /**
     * Claims as {@link #claim(Claim, Map, int)} does, and returns the claimed rows themselves, as the
     * claim left them: on PostgreSQL the claim's own {@code RETURNING}, so the batch costs no further
     * read; on H2 a read by id in the claim's transaction.
     *
     * @param columns the columns {@code mapper} reads, e.g. {@code id, status, body}
     */
    public <T> List<T> claimRows(Claim claim, Map<String, ?> params, int limit, String columns, RowMapper<T> mapper) {
        if (dialect == Dialect.POSTGRESQL) return orderedScan(claim.postgresql(columns), params, limit, mapper);
        return tx.execute(s -> {
            List<String> ids = claim(claim, params, limit);
            if (ids.isEmpty()) return List.<T>of();
            return jdbc.sql("SELECT " + columns + " FROM " + claim.table() + " WHERE id = ANY(:claimedIds)")
                    .param("claimedIds", ids(ids))
                    .query(mapper)
                    .list();
        });
    }

    /**
     * A list of ids as one array parameter, for {@code id = ANY(:ids)}. One statement text and one
     * generic plan whatever the list's length: an {@code IN (:ids)} list is expanded into a
     * statement per length, whose generic plan on PostgreSQL a hundred ids can tip into a
     * sequential scan. Both PostgreSQL and H2 take a Java array for it.
     */
    public static Object ids(java.util.Collection<String> ids) {
        return ids.toArray(String[]::new);
    }

    /**
     * The rows a claim would take next, without taking them: the same condition and order, read
     * with no lock and no write (on PostgreSQL under {@link #ORDERED_SCAN}, so it walks the due index
     * as the claim does). A caller that chooses among them claims its choice afterwards, and the
     * claim rechecks the condition: a row another node took meanwhile is skipped, not taken twice.
     */
    public <T> List<T> peek(Claim claim, Map<String, ?> params, int limit, String columns, RowMapper<T> mapper) {
        String sql = "SELECT " + columns + " FROM " + claim.table() + " WHERE " + claim.due() + " ORDER BY "
                + claim.order() + " LIMIT :claimLimit";
        if (dialect == Dialect.POSTGRESQL) return orderedScan(sql, params, limit, mapper);
        return jdbc.sql(sql)
                .params(params)
                .param("claimLimit", limit)
                .query(mapper)
                .list();
    }

    /**
     * The earliest {@code column} (a due time) of the rows matching {@code waiting}, read as a claim
     * reads ({@link #peek}): in the queue index's order, stopping at the first. It steps over the
     * entries of rows no longer waiting once per read; see {@link QueueFloor}, which reads it.
     */
    public java.util.Optional<java.time.Instant> earliest(String table, String waiting, String column) {
        return peek(new Claim(table, waiting, column, null), Map.of(), 1, column, (rs, n) -> Sql.instant(rs, column))
                .stream()
                .findFirst();
    }

    /**
     * Runs a read of work rows written out in full (e.g. a loose index scan over a queue), under the
     * same planner settings as a claim on PostgreSQL, in a transaction of its own.
     */
    public <T> List<T> scan(String sql, Map<String, ?> params, RowMapper<T> mapper) {
        Supplier<List<T>> read =
                () -> jdbc.sql(sql).params(params).query(mapper).list();
        return dialect == Dialect.POSTGRESQL ? under(SET_ORDERED_SCAN, read) : read.get();
    }

    /**
     * Reads rows by their keys (e.g. {@code WHERE d.id = ANY(:ids)}, joined by key to other tables),
     * on PostgreSQL under {@link #KEY_LOOKUP} in a transaction of its own.
     */
    public <T> List<T> byKeys(String sql, Map<String, ?> params, RowMapper<T> mapper) {
        Supplier<List<T>> read =
                () -> jdbc.sql(sql).params(params).query(mapper).list();
        return dialect == Dialect.POSTGRESQL ? under(SET_KEY_LOOKUP, read) : read.get();
    }

    /**
     * Runs {@code read} inside the caller's transaction with plans made for each execution's own values
     * and the tables as they are then, not a generic plan the pooled connection settled on earlier; on
     * PostgreSQL only, and the setting is put back after {@code read} (a failure rolls the transaction
     * back, which puts it back too).
     *
     * <p>For a list of keys under a composite primary key ({@code tenant_id = :t AND external_id =
     * ANY(:ids)}): on a small table with no statistics the cheapest generic plan matches the tenant
     * alone and filters the keys, and a connection keeps that plan as the table grows, reading every
     * row of the tenant for each call. A custom plan costs a few tenths of a millisecond to make and
     * follows the table's size (read from its pages when it has no statistics).
     */
    public <T> T withCustomPlans(Supplier<T> read) {
        if (dialect != Dialect.POSTGRESQL) return read.get();
        jdbc.sql(SET_CUSTOM_PLANS).query().listOfRows();
        T result = read.get();
        jdbc.sql(SET_AUTO_PLANS).query().listOfRows();
        return result;
    }

    /** Runs a statement limited by {@code :claimLimit} in a transaction of its own, under {@link #ORDERED_SCAN}. */
    private <T> List<T> orderedScan(String sql, Map<String, ?> params, int limit, RowMapper<T> mapper) {
        return under(
                SET_ORDERED_SCAN,
                () -> jdbc.sql(sql)
                        .params(params)
                        .param("claimLimit", limit)
                        .query(mapper)
                        .list());
    }

    /** Runs {@code read} in a transaction of its own, after {@code settings} (a {@link #setLocal}). */
    private <T> List<T> under(String settings, Supplier<List<T>> read) {
        return tx.execute(s -> {
            jdbc.sql(settings).query().listOfRows();
            return read.get();
        });
    }

    /** @see Claim */
    public List<String> claim(String table, String due, String order, String mark, Map<String, ?> params, int limit) {
        return claim(new Claim(table, due, order, mark), params, limit);
    }

    /** @return the ids claimed, at most {@code limit} */
    public List<String> claim(Claim claim, Map<String, ?> params, int limit) {
        if (dialect == Dialect.POSTGRESQL) {
            return orderedScan(claim.postgresql(), params, limit, (rs, n) -> rs.getString(1));
        }
        return tx.execute(s -> {
            List<String> ids = jdbc.sql(claim.select())
                    .params(params)
                    .param("claimLimit", limit)
                    .query(String.class)
                    .list();
            if (!ids.isEmpty()) {
                jdbc.sql("UPDATE " + claim.table() + " SET " + claim.mark() + " WHERE id IN (:claimedIds)")
                        .params(params)
                        .param("claimedIds", ids)
                        .update();
            }
            return ids;
        });
    }
}
