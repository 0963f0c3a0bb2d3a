package dev.switchboard.inbound;

import dev.switchboard.common.BacklogSource;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Inbound events received and not yet processed. */
@Component
class EventBacklog implements BacklogSource {

    private final EventRepository events;

    EventBacklog(EventRepository events) {
        this.events = events;
    }

    @Override
    public List<Backlog> backlog(Instant now) {
        return List.of(events.waiting(now));
    }
}
