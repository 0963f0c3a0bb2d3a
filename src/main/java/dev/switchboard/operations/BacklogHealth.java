package dev.switchboard.operations;

import dev.switchboard.common.BacklogSource.Backlog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code backlog} health component: UP while every backlog is within its limits, DEGRADED
 * (answered with HTTP 200: the node works, it is behind) when one holds more than
 * {@code backlog-max-waiting} items or its oldest waited longer than {@code backlog-max-age}.
 * Details (each backlog's size and age) show where health details are shown.
 */
@Component("backlog")
class BacklogHealth implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "A backlog is over its limits");

    private final Backlogs backlogs;

    BacklogHealth(Backlogs backlogs) {
        this.backlogs = backlogs;
    }

    @Override
    public Health health() {
        Backlogs.Reading r = backlogs.read();
        boolean degraded = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Backlog b : r.backlogs()) {
            degraded |= backlogs.over(b);
            details.put(b.name(), backlogs.describe(b));
        }
        if (!r.failed().isEmpty()) details.put("unreadable", r.failed());
        Health.Builder h = degraded ? Health.status(DEGRADED) : r.failed().isEmpty() ? Health.up() : Health.unknown();
        return h.withDetails(details).build();
    }
}
