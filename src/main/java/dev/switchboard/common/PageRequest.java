package dev.switchboard.common;

/** {@code limit} and {@code cursor} query parameters, validated the same way on every list endpoint. */
public record PageRequest(int limit, Cursor after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public static PageRequest of(Integer limit, String cursor) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (l < 1 || l > MAX_LIMIT) throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        return new PageRequest(l, cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor));
    }

    /** Repositories fetch one row more than the limit to learn whether another page exists. */
    public int fetchSize() {
        return limit + 1;
    }

    /**
     * One page of a query, newest first: appends the keyset condition (rows after the cursor), the
     * order and the limit to {@code selectWhere} (a {@code SELECT … WHERE …}), and binds them. The
     * caller binds its own parameters and maps the rows.
     *
     * @param timeColumn the row's time column, e.g. {@code created_at}; ties are broken by {@code id}
     */
    public org.springframework.jdbc.core.simple.JdbcClient.StatementSpec select(
            org.springframework.jdbc.core.simple.JdbcClient jdbc, String selectWhere, String timeColumn) {
        String sql = selectWhere
                + (after == null
                        ? ""
                        : " AND (" + timeColumn + " < :pageAt OR (" + timeColumn + " = :pageAt AND id < :pageAfterId))")
                + " ORDER BY " + timeColumn + " DESC, id DESC LIMIT :pageLimit";
        var spec = jdbc.sql(sql).param("pageLimit", fetchSize());
        if (after != null) spec = spec.param("pageAt", Sql.ts(after.at())).param("pageAfterId", after.id());
        return spec;
    }
}
