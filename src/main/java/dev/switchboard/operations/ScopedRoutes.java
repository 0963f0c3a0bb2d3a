package dev.switchboard.operations;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;

/**
 * What the channel and rule controllers share, for either scope (a tenant's routes or the
 * platform's): paging with a (created_at, id) cursor, a 201 with its Location, a 204 on delete. The
 * controllers keep only their route declarations and the calls that differ (create, update).
 */
final class ScopedRoutes<T, V> {

    /** The use cases every scoped resource has; a missing row is a 404 from the store. */
    interface Store<T> {
        T find(String scope, String id);

        List<T> page(String scope, PageRequest page);

        void delete(String scope, String id);
    }

    private final Store<T> store;
    private final Function<T, V> view;
    private final Function<T, Cursor> cursor;
    private final Function<T, String> id;

    ScopedRoutes(Store<T> store, Function<T, V> view, Function<T, Cursor> cursor, Function<T, String> id) {
        this.store = store;
        this.view = view;
        this.cursor = cursor;
        this.id = id;
    }

    ResponseEntity<V> created(String base, T row) {
        return ResponseEntity.created(URI.create(base + "/" + id.apply(row))).body(view.apply(row));
    }

    Page<V> list(String scope, Integer limit, String after) {
        PageRequest page = PageRequest.of(limit, after);
        return Page.of(store.page(scope, page), page, cursor).map(view);
    }

    V get(String scope, String rowId) {
        return view.apply(store.find(scope, rowId));
    }

    V view(T row) {
        return view.apply(row);
    }

    ResponseEntity<Void> delete(String scope, String rowId) {
        store.delete(scope, rowId);
        return ResponseEntity.noContent().build();
    }
}
