package dev.switchboard.calllog;

import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.tenancy.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where other modules record the provider calls they make. Recording never fails the call it
 * describes: a row that cannot be written is logged and dropped.
 */
@Component
public class CallLog {

    private static final Logger log = LoggerFactory.getLogger(CallLog.class);

    /** What caused the call. */
    public enum Origin {
        PROXY,
        OUTBOX,
        HEALTH_CHECK,
        TOKEN
    }

    /**
     * One provider call. {@code pathAndQuery} is as sent (the log redacts secrets in the query);
     * {@code status} is null when no answer came ({@code error} then says why); bodies are null unless
     * the connection opted in to storing them (the log redacts them too). {@code actor} and {@code
     * requestId}, when null, are taken from the API request being served on this thread, if any.
     */
    public record Call(
            String tenantId,
            String connectionId,
            String provider,
            Origin origin,
            String method,
            String pathAndQuery,
            Integer status,
            long latencyMillis,
            long requestBytes,
            long responseBytes,
            String error,
            String actor,
            String requestId,
            Instant at,
            byte[] requestBody,
            byte[] responseBody) {

        @Override
        public String toString() {
            // Bodies and the raw query may hold secrets: never in a log line.
            return "Call[" + tenantId + " " + connectionId + " " + origin + " " + method + " status=" + status + "]";
        }
    }

    private final CallWriter writer;
    private final CallLogProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    CallLog(CallWriter writer, CallLogProperties properties, JsonMapper json, Clock clock) {
        this.writer = writer;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Records one call, redacted; never throws (a row that cannot be written is logged and dropped).
     * The row is built here (actor and request id come from this thread) and written a few ms later
     * by the {@link CallWriter}, in a transaction of its own, whatever the caller holds.
     */
    public void record(Call call) {
        try {
            writer.write(row(call));
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) throw fatal;
            log.warn(
                    "A provider call was not recorded in the call log ({}): {}",
                    call == null ? "null" : call,
                    e.toString());
        }
    }

    private CallRepository.Row row(Call c) {
        if (c.tenantId() == null || c.origin() == null) throw new IllegalArgumentException("no tenant or origin");
        String actor = c.actor() != null ? c.actor() : currentActor();
        String requestId = c.requestId() != null ? c.requestId() : MDC.get("requestId");
        String method = c.method() == null ? "GET" : c.method().toUpperCase(Locale.ROOT);
        return new CallRepository.Row(
                Ids.next("call"),
                c.tenantId(),
                Text.storable(c.connectionId(), 40),
                Text.storable(c.provider(), 64),
                c.origin().name().toLowerCase(Locale.ROOT),
                Text.storable(method, 16),
                Text.storable(Redaction.path(c.pathAndQuery()), 2000),
                c.status(),
                Math.max(0, c.latencyMillis()),
                Math.max(0, c.requestBytes()),
                Math.max(0, c.responseBytes()),
                Text.storable(c.error(), 500),
                Text.storable(actor, 200),
                Text.storable(requestId, 64),
                c.at() != null ? c.at().truncatedTo(java.time.temporal.ChronoUnit.MICROS) : Sql.now(clock),
                Redaction.body(c.requestBody(), properties.maxBodyChars(), json),
                Redaction.body(c.responseBody(), properties.maxBodyChars(), json));
    }

    /** The API key behind the request this thread serves, if any: {@code key:<id>}. */
    private static String currentActor() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Caller caller) return keyActor(caller.keyId());
        return null;
    }

    /** Waits until every call recorded on this node so far is in the table (what its own reads see). */
    public void flush() {
        writer.flush();
    }

    /**
     * The {@code actor} of a call caused by an API key, {@code key:<id>}, for callers that record
     * later than the request (an outbox job's attempts); null for none.
     */
    public static String keyActor(String keyId) {
        return keyId == null ? null : "key:" + keyId;
    }
}
