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
}
