package dev.switchboard.inbound;

/**
 * Where processed inbound events go next. The outbound capability implements this to fan events
 * out to subscribed endpoints. It is called inside the transaction that marks the event processed,
 * so what a router writes to the database commits if and only if the event counts as processed;
 * an exception rolls both back and the event is retried.
 */
public interface InboundEventRouter {

    void route(InboundEvent event, byte[] body);

    /** An event and its body, as handed to {@link #routeAll}. */
    record Routed(InboundEvent event, byte[] body) {}

    /**
     * Routes a batch of events, in order, inside the one transaction that marks them all processed;
     * an exception rolls back the whole batch, which is then processed one event at a time. A router
     * that can share work across a batch (one subscriber lookup per tenant and type) overrides this.
     */
    default void routeAll(java.util.List<Routed> batch) {
        for (Routed r : batch) route(r.event(), r.body());
    }
}
