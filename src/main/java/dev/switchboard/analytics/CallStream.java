package dev.switchboard.analytics;

import dev.switchboard.calllog.CallFacts;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The call log's provider calls, per connection, by status class, with their latency. A call made
 * outside any connection (none today, but the log allows it) counts under the subject ''.
 */
@Component
class CallStream implements FactStream {

    private final CallFacts facts;

    CallStream(CallFacts facts) {
        this.facts = facts;
    }

    @Override
    public String name() {
        return "calls";
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.CONNECTION);
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
                c -> into.minute(
                                c.tenantId(),
                                Kind.CONNECTION,
                                c.connectionId() == null ? "" : c.connectionId(),
                                c.provider(),
                                c.at())
                        .call(c.status(), c.latencyMs()));
    }
}
