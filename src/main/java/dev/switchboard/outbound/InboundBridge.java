package dev.switchboard.outbound;

import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.inbound.InboundEvent;
import dev.switchboard.inbound.InboundEventRouter;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Inbound events go out like any message: a verified {@code stripe.invoice.paid} becomes a message of
 * that type, its payload the event in CloudEvents JSON (the provider's body as {@code data}), to every
 * endpoint that subscribes; an unverified one (provider {@code none}) only to endpoints that name its
 * type. It runs inside the transaction that marks the event processed, so the
 * event is processed if and only if its message is accepted. Events that nobody subscribes to make
 * no message. An endpoint may subscribe to the event's canonical type ({@code payment.succeeded})
 * instead: it receives the same message, whose type stays the provider's. Unverified events never
 * match by canonical type: anyone who knows a {@code none} source's URL could forge a payment.
 */
@Component
class InboundBridge implements InboundEventRouter {

    private final Messages messages;
    private final JsonMapper json;
    private final Clock clock;

    InboundBridge(Messages messages, JsonMapper json, Clock clock) {
        this.messages = messages;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void route(InboundEvent event, byte[] body) {
        routeAll(List.of(new Routed(event, body)));
    }

    /** One subscriber lookup per tenant and type, and two inserts (messages, deliveries), per batch. */
    @Override
    public void routeAll(List<Routed> batch) {
        Publisher.Batch rows = new Publisher.Batch();
        for (Routed r : batch) route(r.event(), r.body(), rows);
        messages.flush(rows);
    }

    private void route(InboundEvent event, byte[] body, Publisher.Batch rows) {
        // The subject orders: an ordered endpoint gets one customer's events one at a time.
        messages.forward(
                event.id(),
                event.tenantId(),
                event.type(),
                event.verified() ? event.canonicalType() : null,
                event.verified(),
                () -> json.writeValueAsBytes(event.cloudEvent(body, json)),
                Text.storable(event.subject(), 200),
                event.provider(),
                Sql.now(clock),
                rows);
    }
}
