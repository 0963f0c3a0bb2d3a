package dev.switchboard.operations;

import dev.switchboard.inbound.InboundProcessingFailed;
import dev.switchboard.outbound.OperationalEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Hears operational events and inbound processing failures, synchronously inside the transaction
 * that reports them, and leaves a signal row for each condition they fire or clear: the signal
 * commits with the change, or neither does. Matching against rules and sending happen later, in
 * {@link SignalWorker}, off the caller's transaction.
 */
@Component
class EventSignals {

    private final SignalRepository signals;
    private final ObjectProvider<SignalWorker> worker;

    EventSignals(SignalRepository signals, ObjectProvider<SignalWorker> worker) {
        this.signals = signals;
        this.worker = worker;
    }

    @EventListener
    void on(OperationalEvent e) {
        List<Alerting.Signal> found = from(e);
        if (found.isEmpty()) return;
        for (Alerting.Signal s : found) signals.insert(s, e.at());
        wakeAfterCommit();
    }

    @EventListener
    void on(InboundProcessingFailed e) {
        signals.insert(
                new Alerting.Signal(
                        e.tenantId(),
                        Rule.Kind.INBOUND_FAILED,
                        e.tenantId() + "/" + e.sourceId(),
                        true,
                        "Inbound event processing failed",
                        "Event " + e.eventId() + " from source " + e.sourceId()
                                + " failed its last processing attempt (" + e.error() + ")."),
                e.at());
        wakeAfterCommit();
    }

    /** The conditions an operational event fires or clears; none for the events no rule is about. */
    static List<Alerting.Signal> from(OperationalEvent e) {
        Map<String, ?> d = e.data();
        String t = e.tenantId();
        List<Alerting.Signal> out = new ArrayList<>();
        switch (e.type()) {
            case "switchboard.endpoint.disabled" ->
                out.add(signal(
                        t,
                        Rule.Kind.ENDPOINT_DISABLED,
                        d.get("endpointId"),
                        true,
                        "Endpoint disabled",
                        "Endpoint " + d.get("endpointId") + " was disabled: " + d.get("reason") + "."));
            case "switchboard.endpoint.enabled" ->
                out.add(signal(
                        t,
                        Rule.Kind.ENDPOINT_DISABLED,
                        d.get("endpointId"),
                        false,
                        "Endpoint enabled again",
                        "Endpoint " + d.get("endpointId") + " is enabled again."));
            case "switchboard.message.attempt.exhausted" ->
                out.add(signal(
                        t,
                        Rule.Kind.DELIVERIES_EXHAUSTED,
                        d.get("endpointId"),
                        true,
                        "Deliveries exhausted",
                        "A delivery of " + d.get("eventType") + " (message " + d.get("messageId") + ") to endpoint "
                                + d.get("endpointId") + " gave up after " + d.get("attempts") + " attempts."));
            case "switchboard.message.attempt.recovered" ->
                out.add(signal(
                        t,
                        Rule.Kind.DELIVERIES_EXHAUSTED,
                        d.get("endpointId"),
                        false,
                        "Deliveries succeed again",
                        "Endpoint " + d.get("endpointId") + " accepts deliveries again."));
            case "switchboard.integration.error" ->
                out.add(signal(
                        t,
                        Rule.Kind.CONNECTION_ERROR,
                        d.get("connectionId"),
                        true,
                        "Connection in error",
                        connection(d) + " is in error: " + d.get("error") + "."));
            case "switchboard.integration.connected" -> {
                out.add(signal(
                        t,
                        Rule.Kind.CONNECTION_ERROR,
                        d.get("connectionId"),
                        false,
                        "Connection active again",
                        connection(d) + " is active again."));
                out.add(signal(
                        t,
                        Rule.Kind.CONNECTION_EXPIRED,
                        d.get("connectionId"),
                        false,
                        "Connection active again",
                        connection(d) + " is active again."));
            }
            case "switchboard.oauth.expired" ->
                out.add(signal(
                        t,
                        Rule.Kind.CONNECTION_EXPIRED,
                        d.get("connectionId"),
                        true,
                        "Connection authorization expired",
                        connection(d) + ": its OAuth grant expired or was revoked."));
            case "switchboard.oauth.refreshed" ->
                out.add(signal(
                        t,
                        Rule.Kind.CONNECTION_EXPIRED,
                        d.get("connectionId"),
                        false,
                        "Connection authorization refreshed",
                        connection(d) + ": its OAuth token was refreshed."));
            case "switchboard.connection.health_changed" -> {
                if ("down".equals(d.get("to"))) {
                    out.add(signal(
                            t,
                            Rule.Kind.CONNECTION_DOWN,
                            d.get("connectionId"),
                            true,
                            "Connection down",
                            connection(d) + " failed its health check."));
                } else if ("healthy".equals(d.get("to"))) {
                    out.add(signal(
                            t,
                            Rule.Kind.CONNECTION_DOWN,
                            d.get("connectionId"),
                            false,
                            "Connection healthy again",
                            connection(d) + " passes its health check again."));
                }
            }
            case "switchboard.outbox.job.failed" ->
                out.add(signal(
                        t,
                        Rule.Kind.OUTBOX_JOB_FAILED,
                        first(d, "connectionId", "jobId"),
                        true,
                        "Provider API job failed",
                        "Job " + d.get("jobId") + " for connection " + d.get("connectionId") + " failed: "
                                + d.get("error") + "."));
            case "switchboard.ratelimit.exceeded" ->
                out.add(signal(
                        t,
                        Rule.Kind.RATE_LIMIT_EXCEEDED,
                        // The gateway names the connection "connection"; a connection-less limit, its provider.
                        first(d, "connection", "provider"),
                        true,
                        "Rate limit exceeded",
                        "The rate limit of " + first(d, "connection", "provider")
                                + (d.get("window") == null
                                        ? ""
                                        : " (per " + d.get("window") + ", " + d.get("limit") + ")")
                                + " was exceeded."));
            default -> {
                // Not a condition any rule watches (switchboard.alert.sent among them: no alert about alerts).
            }
        }
        return out;
    }

    private static Alerting.Signal signal(
            String tenant, Rule.Kind kind, Object subject, boolean firing, String title, String message) {
        return new Alerting.Signal(tenant, kind, tenant + "/" + subject, firing, title, message);
    }

    private static String connection(Map<String, ?> d) {
        return "Connection " + d.get("connectionId") + " (" + d.get("provider") + ", \"" + d.get("name") + "\")";
    }

    private static Object first(Map<String, ?> d, String a, String b) {
        Object v = d.get(a);
        return v != null ? v : d.get(b) != null ? d.get(b) : "unknown";
    }

    private void wakeAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            worker.getObject().wake();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                worker.getObject().wake();
            }
        });
    }
}
