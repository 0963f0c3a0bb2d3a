package dev.switchboard.inbound;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What inbound received, as facts for analytics: every stored event, stored rejection and
 * duplicate, by the time it arrived, across tenants. Read-only; the SQL stays with the repositories
 * that own the tables. Rejections past a source's per-minute budget are not stored, so they are not
 * facts either.
 */
@Component
public class InboundFacts {

    /**
     * One minute's counts for one source: {@code provider} is the event's provider for received
     * events and the source's (its wire name) for rejections and duplicates, which record none.
     */
    public record Minute(
            String tenantId,
            String sourceId,
            String provider,
            Instant minute,
            long received,
            long rejected,
            long duplicates) {}

    private final JdbcClient jdbc;
    private final EventRepository events;
    private final RejectionRepository rejections;
    private final DuplicateRepository duplicates;

    InboundFacts(
            JdbcClient jdbc, EventRepository events, RejectionRepository rejections, DuplicateRepository duplicates) {
        this.jdbc = jdbc;
        this.events = events;
        this.rejections = rejections;
        this.duplicates = duplicates;
    }

    /** When the oldest fact still stored arrived; empty when there is none. */
    public Optional<Instant> earliest() {
        return Stream.of(events.earliest(), rejections.earliest(), duplicates.earliest())
                .flatMap(Optional::stream)
                .min(Instant::compareTo);
    }

    /**
     * The counts of everything that arrived in [from, to), one per tenant, source, provider and
     * minute, in no particular order; counted by the database, so a busy minute is one row.
     */
    public void forEachMinute(Instant from, Instant to, Consumer<Minute> sink) {
        FactQueries.minutes(jdbc, from, to, sink);
    }
}
