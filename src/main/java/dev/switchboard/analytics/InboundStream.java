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
        facts.forEach(from, to, f -> {
            Tally t = into.minute(f.tenantId(), Kind.SOURCE, f.sourceId(), f.provider(), f.at());
            switch (f.kind()) {
                case RECEIVED -> t.received++;
                case REJECTED -> t.rejected++;
                case DUPLICATE -> t.duplicates++;
            }
        });
    }
}
