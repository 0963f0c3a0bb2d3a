package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.outbound.OperationalEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which condition each operational event fires or clears. The gateway's events
 * ({@code switchboard.outbox.job.failed}, {@code switchboard.ratelimit.exceeded}) arrive through the
 * same {@code OperationalEvents.emit}; their rules are checked here against the payload they carry.
 */
class EventSignalsTest {

    private static List<Alerting.Signal> signals(String type, Map<String, ?> data) {
        return EventSignals.from(new OperationalEvent("acme", type, data, Instant.EPOCH));
    }

    @Test
    void eachEventFiresOrClearsItsRuleForItsSubject() {
        var disabled = signals("switchboard.endpoint.disabled", Map.of("endpointId", "ep_1", "reason", "410"));
        assertThat(disabled).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(Rule.Kind.ENDPOINT_DISABLED);
            assertThat(s.firing()).isTrue();
            assertThat(s.subject()).isEqualTo("acme/ep_1");
            assertThat(s.message()).contains("410");
        });
        assertThat(signals("switchboard.endpoint.enabled", Map.of("endpointId", "ep_1")))
                .singleElement()
                .satisfies(s -> assertThat(s.firing()).isFalse());
        assertThat(signals("switchboard.message.attempt.exhausted", Map.of("endpointId", "ep_1", "attempts", 8)))
                .extracting(Alerting.Signal::kind)
                .containsExactly(Rule.Kind.DELIVERIES_EXHAUSTED);
        assertThat(signals("switchboard.oauth.expired", Map.of("connectionId", "con_1")))
                .extracting(Alerting.Signal::kind, Alerting.Signal::firing)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.Kind.CONNECTION_EXPIRED, true));
        assertThat(signals("switchboard.integration.connected", Map.of("connectionId", "con_1")))
                .extracting(Alerting.Signal::kind, Alerting.Signal::firing)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Rule.Kind.CONNECTION_ERROR, false),
                        org.assertj.core.groups.Tuple.tuple(Rule.Kind.CONNECTION_EXPIRED, false));
        assertThat(signals("switchboard.connection.health_changed", Map.of("connectionId", "con_1", "to", "degraded")))
                .isEmpty();
        assertThat(signals(
                        "switchboard.outbox.job.failed",
                        Map.of("jobId", "job_1", "connectionId", "con_9", "error", "HTTP 500")))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.kind()).isEqualTo(Rule.Kind.OUTBOX_JOB_FAILED);
                    assertThat(s.subject()).isEqualTo("acme/con_9");
                });
        assertThat(signals("switchboard.ratelimit.exceeded", Map.of("provider", "stripe")))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.kind()).isEqualTo(Rule.Kind.RATE_LIMIT_EXCEEDED);
                    assertThat(s.subject()).isEqualTo("acme/stripe");
                });
        // The payload gateway.ProviderLimits emits: the connection is the subject.
        assertThat(signals(
                        "switchboard.ratelimit.exceeded",
                        Map.of("connection", "con_3", "provider", "stripe", "window", "minute", "limit", 2)))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.subject()).isEqualTo("acme/con_3");
                    assertThat(s.message()).contains("per minute, 2");
                });
        assertThat(signals("switchboard.alert.sent", Map.of("alertId", "alr_1")))
                .as("no alert about an alert")
                .isEmpty();
    }
}
