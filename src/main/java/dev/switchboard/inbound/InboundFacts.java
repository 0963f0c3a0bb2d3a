package dev.switchboard.inbound;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * What inbound received, as facts for analytics: every stored event, stored rejection and
 * duplicate, by the time it arrived, across tenants. Read-only; the SQL stays with the repositories
 * that own the tables. Rejections past a source's per-minute budget are not stored, so they are not
 * facts either.
 */
@Component
public class InboundFacts {

    public enum Kind {
        RECEIVED,
        REJECTED,
        DUPLICATE
    }

    /** {@code provider} is the source's provider (its wire name). */
    public record Fact(Kind kind, String tenantId, String sourceId, String provider, Instant at) {}

    private final EventRepository events;
    private final RejectionRepository rejections;
    private final DuplicateRepository duplicates;

    InboundFacts(EventRepository events, RejectionRepository rejections, DuplicateRepository duplicates) {
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

    /** Streams every fact that arrived in [from, to), in no particular order. */
    public void forEach(Instant from, Instant to, Consumer<Fact> sink) {
        events.facts(from, to, sink);
        rejections.facts(from, to, sink);
        duplicates.facts(from, to, sink);
    }
}
