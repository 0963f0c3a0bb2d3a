package dev.switchboard.common;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims due work rows for this node, safely with several nodes on one database: rows another node
 * holds are skipped ({@code FOR UPDATE SKIP LOCKED}), and the claimed rows are marked (typically
 * with a lease) before the locks are released. On PostgreSQL this is one statement; H2 cannot put
 * {@code FOR UPDATE} in a subquery, so there it is a select and an update in one transaction.
 * The only dialect-specific SQL in Switchboard lives here.
 */
@Component
public class Claims {

    private final JdbcClient jdbc;
    private final Dialect dialect;
    private final TransactionTemplate tx;

    Claims(JdbcClient jdbc, Dialect dialect, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.tx = tx;
    }

    /**
     * @param table the work table, with a primary key {@code id}
     * @param due the condition for a claimable row (named parameters from {@code params})
     * @param order the claim order, e.g. {@code next_attempt_at}
     * @param mark the SET clause applied to claimed rows, e.g. {@code locked_until = :lease}
     * @return the ids claimed, at most {@code limit}
     */
    public List<String> claim(String table, String due, String order, String mark, Map<String, ?> params, int limit) {
        String select = "SELECT id FROM " + table + " WHERE " + due + " ORDER BY " + order + " LIMIT :claimLimit"
                + " FOR UPDATE SKIP LOCKED";
        if (dialect == Dialect.POSTGRESQL) {
            return tx.execute(
                    s -> jdbc.sql("UPDATE " + table + " SET " + mark + " WHERE id IN (" + select + ") RETURNING id")
                            .params(params)
                            .param("claimLimit", limit)
                            .query(String.class)
                            .list());
        }
        return tx.execute(s -> {
            List<String> ids = jdbc.sql(select)
                    .params(params)
                    .param("claimLimit", limit)
                    .query(String.class)
                    .list();
            if (!ids.isEmpty()) {
                jdbc.sql("UPDATE " + table + " SET " + mark + " WHERE id IN (:claimedIds)")
                        .params(params)
                        .param("claimedIds", ids)
                        .update();
            }
            return ids;
        });
    }
}
