package dev.switchboard.common;

import java.util.List;
import java.util.Map;
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
            return "UPDATE " + table + " SET " + mark + " WHERE id IN (" + select() + ") RETURNING id";
        }
    }

    /**
     * The planner setting a claim runs under on PostgreSQL. On a table it has no statistics for
     * (autovacuum off, or not yet run) the planner guesses that few rows are due, and reads every due
     * row through a bitmap scan and sorts them to take the first few; the due index already holds
     * them in claim order. With sorting ruled out it walks that index and stops at the limit.
     */
    public static final String ORDERED_SCAN = "enable_sort = off";

    private final JdbcClient jdbc;
    private final Dialect dialect;
    private final TransactionTemplate tx;

    Claims(JdbcClient jdbc, Dialect dialect, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.tx = tx;
    }

    /** @see Claim */
    public List<String> claim(String table, String due, String order, String mark, Map<String, ?> params, int limit) {
        return claim(new Claim(table, due, order, mark), params, limit);
    }

    /** @return the ids claimed, at most {@code limit} */
    public List<String> claim(Claim claim, Map<String, ?> params, int limit) {
        if (dialect == Dialect.POSTGRESQL) {
            return tx.execute(s -> {
                jdbc.sql("SET LOCAL " + ORDERED_SCAN).update();
                return jdbc.sql(claim.postgresql())
                        .params(params)
                        .param("claimLimit", limit)
                        .query(String.class)
                        .list();
            });
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
