package dev.switchboard.inbound;

/**
 * Where processed inbound events go next. The outbound capability implements this to fan events
 * out to subscribed endpoints. It is called inside the transaction that marks the event processed,
 * so what a router writes to the database commits if and only if the event counts as processed;
 * an exception rolls both back and the event is retried.
 */
public interface InboundEventRouter {

    void route(InboundEvent event, byte[] body);
}
