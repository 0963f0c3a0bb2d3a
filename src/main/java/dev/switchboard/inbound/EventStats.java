package dev.switchboard.inbound;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A tenant's inbound events counted per day and per provider since a time, for the dashboard's
 * analytics. The caller has checked that it may read the tenant. Days are the database's dates of
 * {@code received_at} (UTC on a default install).
 */
@Component
public class EventStats {

    public record Day(LocalDate day, long events) {}

    public record ByProvider(String provider, long events) {}

    public record Volume(List<Day> days, List<ByProvider> providers) {
        public long total() {
            return days.stream().mapToLong(Day::events).sum();
        }
    }

    private final EventRepository events;

    EventStats(EventRepository events) {
        this.events = events;
    }

    public Volume forTenant(String tenantId, Instant since) {
        return new Volume(events.volumeByDay(tenantId, since), events.volumeByProvider(tenantId, since));
    }
}
