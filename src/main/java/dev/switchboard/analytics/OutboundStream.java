package dev.switchboard.analytics;

import dev.switchboard.outbound.DeliveryFacts;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Outbound's delivery attempts, per endpoint, with their latency. */
@Component
class OutboundStream implements FactStream {

    private final DeliveryFacts facts;

    OutboundStream(DeliveryFacts facts) {
        this.facts = facts;
    }

    @Override
    public String name() {
        return "outbound";
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.ENDPOINT);
    }

    @Override
    public Optional<Instant> earliest() {
        return facts.earliest();
    }

    @Override
    public void collect(Instant from, Instant to, Buckets into) {
        facts.forEach(
                from,
                to,
                a -> into.minute(a.tenantId(), Kind.ENDPOINT, a.endpointId(), a.provider(), a.at())
                        .attempt(a.succeeded(), a.latencyMs()));
    }
}
