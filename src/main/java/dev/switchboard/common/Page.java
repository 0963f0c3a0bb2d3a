package dev.switchboard.common;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {"data":[…],"nextCursor":…}}; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> data, String nextCursor) {

    /** Builds a page from rows fetched with {@link PageRequest#fetchSize()}. */
    public static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, Cursor> cursorOf) {
        if (rows.size() <= request.limit()) return new Page<>(List.copyOf(rows), null);
        List<T> page = List.copyOf(rows.subList(0, request.limit()));
        return new Page<>(page, cursorOf.apply(page.getLast()).encode());
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(data.stream().map(f).toList(), nextCursor);
    }
}
