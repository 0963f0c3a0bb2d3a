package dev.switchboard.outbound;

import java.time.Instant;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Switchboard's own events about a tenant's webhooks, sent as ordinary messages (types
 * {@code switchboard.*}) to the endpoints that subscribe to them by name. Emitted inside the
 * transaction that changed the state they report.
 */
@Component
public class OperationalEvents {

    static final String ENDPOINT_DISABLED = "switchboard.endpoint.disabled";
    static final String ENDPOINT_ENABLED = "switchboard.endpoint.enabled";
    static final String ATTEMPT_FAILING = "switchboard.message.attempt.failing";
    static final String ATTEMPT_EXHAUSTED = "switchboard.message.attempt.exhausted";
    static final String ATTEMPT_RECOVERED = "switchboard.message.attempt.recovered";
    /** After this many failed attempts in a row a delivery is reported as failing (as Svix does). */
    static final int FAILING_AFTER = 4;

    private final Messages messages;
    private final JsonMapper json;
    private final ApplicationEventPublisher publisher;

    OperationalEvents(Messages messages, JsonMapper json, ApplicationEventPublisher publisher) {
        this.messages = messages;
        this.json = json;
        this.publisher = publisher;
    }

    /**
     * Sends a {@code switchboard.*} event to the tenant's endpoints that subscribe to it, and
     * publishes it as an {@link OperationalEvent} to listeners in this transaction; call inside a
     * transaction.
     */
    public void emit(String tenantId, String type, Map<String, ?> data, Instant now) {
        messages.emit(tenantId, type, json.writeValueAsBytes(data), now);
        publisher.publishEvent(new OperationalEvent(
                tenantId, type, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data)), now));
    }

    /** Events about a delivery of an operational event would feed on themselves; those are not reported. */
    static boolean reportable(String eventType) {
        return !eventType.startsWith(Publisher.OPERATIONAL_PREFIX);
    }
}
