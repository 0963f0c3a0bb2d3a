package dev.switchboard.outbound;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * What outbound did, as facts for analytics: every delivery attempt, by the time it was made,
 * across tenants. Read-only; the SQL stays with the repository that owns the tables. An attempt's
 * row is written when it ends, up to the delivery timeout after {@code at}: readers of recent facts
 * allow for that.
 */
@Component
public class DeliveryFacts {

    /** {@code provider}: the inbound provider of the message's event, or null for a message sent directly. */
    public record Attempt(
            String tenantId, String endpointId, String provider, Instant at, boolean succeeded, int latencyMs) {}

    private final DeliveryRepository deliveries;

    DeliveryFacts(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    /** When the oldest attempt still stored was made; empty when there is none. */
    public Optional<Instant> earliest() {
        return deliveries.earliestAttempt();
    }

    /** Streams every attempt made in [from, to), in no particular order. */
    public void forEach(Instant from, Instant to, Consumer<Attempt> sink) {
        deliveries.attemptFacts(from, to, sink);
    }
}
