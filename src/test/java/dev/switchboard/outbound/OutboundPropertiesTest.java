package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The retry schedule is configuration, bound the way the server binds it. */
class OutboundPropertiesTest {

    static OutboundProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("switchboard.outbound", OutboundProperties.class);
    }

    @Test
    void theDefaultScheduleIsTheDocumentedOne() {
        RetryPolicy p = bind(Map.of()).retryPolicy();
        assertThat(p.schedule())
                .containsExactly(
                        Duration.ZERO,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(30),
                        Duration.ofHours(2),
                        Duration.ofHours(5),
                        Duration.ofHours(10),
                        Duration.ofHours(10));
        assertThat(p).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void aConfiguredScheduleReplacesIt() {
        RetryPolicy p = bind(Map.of(
                        "switchboard.outbound.retry-schedule", "0s,1m,1h",
                        "switchboard.outbound.retry-jitter", "0"))
                .retryPolicy();
        assertThat(p.schedule()).isEqualTo(List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1)));
        assertThat(p.next(3, RetryPolicy.Outcome.SERVER_ERROR, java.util.Optional.empty(), 0.5))
                .isEmpty();
        assertThat(p.next(1, RetryPolicy.Outcome.SERVER_ERROR, java.util.Optional.empty(), 0.9))
                .contains(Duration.ofMinutes(1));
        assertThatThrownBy(() ->
                        bind(Map.of("switchboard.outbound.retry-jitter", "1.5")).retryPolicy())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLeaseShorterThanTwoTimeoutsStopsTheServerWithAClearMessage() {
        assertThatThrownBy(() -> bind(Map.of(
                        "switchboard.outbound.timeout", "15s",
                        "switchboard.outbound.lease", "20s")))
                .hasStackTraceContaining("switchboard.outbound.lease (PT20S) must be at least twice");
        assertThat(bind(Map.of("switchboard.outbound.timeout", "10s", "switchboard.outbound.lease", "20s"))
                        .lease())
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aTenantHasHalfTheSlotsUnlessSetAndNeverMoreThanAll() {
        assertThat(bind(Map.of()).tenantCap()).isEqualTo(32);
        assertThat(bind(Map.of("switchboard.outbound.concurrency", "1")).tenantCap())
                .isEqualTo(1);
        assertThat(bind(Map.of("switchboard.outbound.tenant-concurrency", "5")).tenantCap())
                .isEqualTo(5);
        assertThatThrownBy(() -> bind(Map.of(
                        "switchboard.outbound.concurrency", "8",
                        "switchboard.outbound.tenant-concurrency", "9")))
                .hasStackTraceContaining("tenant-concurrency (9) cannot exceed");
    }
}
