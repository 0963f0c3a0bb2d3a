package dev.switchboard.analytics;

import dev.switchboard.inbound.InboundFacts;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Inbound's received, rejected and duplicate requests, per source. */
@Component
class InboundStream implements FactStream {

    private final InboundFacts facts;

    InboundStream(InboundFacts facts) {
        this.facts = facts;
    }

    @Override
    public String name() {
        return "inbound";
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.SOURCE);
    }

    @Override
    public Optional<Instant> earliest() {
        return facts.earliest();
    }

    @Override
    public void collect(Instant from, Instant to, Buckets into) {
        // Counted in SQL: one row per tenant, source, provider and minute, each its own bucket.
        facts.forEachMinute(from, to, m -> {
            Tally t = into.minute(m.tenantId(), Kind.SOURCE, m.sourceId(), m.provider(), m.minute());
            t.received += m.received();
            t.rejected += m.rejected();
            t.duplicates += m.duplicates();
        });
    }
}
