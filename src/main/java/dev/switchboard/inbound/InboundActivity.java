package dev.switchboard.inbound;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Inbound events in the activity feed: one entry per stored event. */
@Component
class InboundActivity implements ActivitySource {

    private final EventRepository events;

    InboundActivity(EventRepository events) {
        this.events = events;
    }

    @Override
    public String type() {
        return "inbound";
    }

    @Override
    public List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit) {
        var filter = new EventRepository.Filter(tenantId, null, null, null, null, null, null, since, null);
        var page = new PageRequest(limit, beforeAt == null ? null : new Cursor(beforeAt, beforeId));
        return events.search(filter, page).stream()
                .limit(limit)
                .map(e -> new Entry(
                        type(),
                        e.id(),
                        e.receivedAt(),
                        e.sourceId(),
                        e.status(),
                        e.provider().wire() + " " + e.type()))
                .toList();
    }
}
