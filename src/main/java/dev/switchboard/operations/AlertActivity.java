package dev.switchboard.operations;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** A tenant's alerts in the activity feed: the title, and "recovered" for a recovery notice. */
@Component
class AlertActivity implements ActivitySource {

    private final AlertRepository alerts;

    AlertActivity(AlertRepository alerts) {
        this.alerts = alerts;
    }

    @Override
    public String type() {
        return "alert";
    }

    @Override
    public List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit) {
        var page = new PageRequest(limit, beforeAt == null ? null : new Cursor(beforeAt, beforeId));
        return alerts.feed(tenantId, since, page).stream()
                .limit(limit)
                .map(a -> new Entry(
                        type(),
                        a.id(),
                        a.createdAt(),
                        a.subject(),
                        a.recovery() ? "recovered" : a.severity().wire(),
                        a.kind() + ": " + a.title()))
                .toList();
    }
}
