package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations that only make sense relative to each other are refused at startup, naming both. */
class ConnectionsPropertiesTest {

    static ConnectionsProperties with(Duration pollInterval, Duration tokenTimeout, Duration refreshLease) {
        return new ConnectionsProperties(
                null,
                Duration.ofMinutes(15),
                pollInterval,
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                8,
                Duration.ofSeconds(2),
                Duration.ofMinutes(10),
                tokenTimeout,
                refreshLease,
                Duration.ofSeconds(1));
    }

    @Test
    void theDefaultsAreConsistentAndTheCheckLeaseOutlastsACheck() {
        var p = with(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30));
        assertThat(p.checkLease()).isGreaterThan(p.checkTimeout());
    }

    @Test
    void aLeaseNoLongerThanTheTokenCallIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .hasMessageContaining("refresh-lease (PT30S)")
                .hasMessageContaining("token-timeout (PT30S)");
    }

    @Test
    void refreshingAheadLessThanOnePollIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofMinutes(20), Duration.ofSeconds(10), Duration.ofSeconds(30)))
                .hasMessageContaining("refresh-ahead")
                .hasMessageContaining("poll-interval");
    }

    @Test
    void aCheckConcurrencyOfZeroIsRefused() {
        assertThatThrownBy(() -> new ConnectionsProperties(
                        null,
                        Duration.ofMinutes(15),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(10),
                        0,
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(10),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1)))
                .hasMessageContaining("check-concurrency");
    }
}
