package dev.switchboard.calllog;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * What the call log holds, as facts for analytics: every recorded provider call, by the time it was
 * made, across tenants. Read-only; the SQL stays with the repository that owns the table. A call's
 * row is written when it ends, up to its timeout after {@code at}: readers of recent facts allow for
 * that.
 */
@Component
public class CallFacts {

    /**
     * {@code connectionId} and {@code provider} are null for a call made outside a connection;
     * {@code status} is null when no answer came.
     */
    public record Call(
            String tenantId, String connectionId, String provider, Instant at, Integer status, long latencyMs) {}

    private final CallRepository calls;

    CallFacts(CallRepository calls) {
        this.calls = calls;
    }

    /** When the oldest call still stored was made; empty when there is none. */
    public Optional<Instant> earliest() {
        return calls.earliest();
    }

    /** Streams every call made in [from, to), in no particular order. */
    public void forEach(Instant from, Instant to, Consumer<Call> sink) {
        calls.facts(from, to, sink);
    }
}
