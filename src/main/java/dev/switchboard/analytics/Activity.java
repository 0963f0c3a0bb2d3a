package dev.switchboard.analytics;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * A tenant's activity feed: the newest entries of every {@link ActivitySource} (inbound events,
 * delivery attempts, provider calls, alerts, audit entries: each module provides its own), merged newest
 * first by (time, id). Each source reads one page after the cursor, so a page costs one indexed
 * query per source.
 */
@Service
class Activity {

    record Feed(List<ActivitySource.Entry> data, String nextCursor) {}

    private final Map<String, ActivitySource> sources = new LinkedHashMap<>();

    Activity(List<ActivitySource> sources) {
        sources.forEach(s -> this.sources.put(s.type(), s));
    }

    Feed feed(String tenantId, String type, String since, Integer limit, String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        List<ActivitySource> selected = new ArrayList<>();
        if (type == null || type.isBlank()) {
            selected.addAll(sources.values());
        } else {
            for (String t : type.split(",")) {
                ActivitySource s = sources.get(t.trim());
                if (s == null) {
                    throw ApiException.invalid("type", "must be among " + String.join(", ", sources.keySet()));
                }
                if (!selected.contains(s)) selected.add(s);
            }
        }
        Instant from = Timestamps.parse("since", since);
        Cursor after = page.after();
        List<ActivitySource.Entry> merged = new ArrayList<>();
        for (ActivitySource s : selected) {
            merged.addAll(s.page(
                    tenantId,
                    after == null ? null : after.at(),
                    after == null ? null : after.id(),
                    from,
                    page.fetchSize()));
        }
        merged.sort(Comparator.comparing(ActivitySource.Entry::at)
                .thenComparing(ActivitySource.Entry::id)
                .reversed());
        boolean more = merged.size() > page.limit();
        List<ActivitySource.Entry> data = more ? merged.subList(0, page.limit()) : merged;
        ActivitySource.Entry last = data.isEmpty() ? null : data.getLast();
        return new Feed(List.copyOf(data), more ? new Cursor(last.at(), last.id()).encode() : null);
    }
}
