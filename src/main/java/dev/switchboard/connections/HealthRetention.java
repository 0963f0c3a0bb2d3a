package dev.switchboard.connections;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Deletes health-check history past its retention, in batches, on a loop of its own. A
 * connection's current health lives on the connection itself and is never purged.
 */
@Component
class HealthRetention extends RetentionWorker {

    /**
     * @param healthHistory how long health-check records are kept ({@code SWITCHBOARD_CONNECTIONS_HEALTH_RETENTION})
     * @param interval how often each node purges
     */
    @ConfigurationProperties("switchboard.connections.retention")
    record Properties(
            @DefaultValue("30d") Duration healthHistory,
            @DefaultValue("10m") Duration interval) {
        Properties {
            if (healthHistory == null || healthHistory.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException(
                        "switchboard.connections.retention.health-history must be at least 1h, not " + healthHistory);
            }
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "switchboard.connections.retention.interval must be positive, not " + interval);
            }
        }
    }

    HealthRetention(HealthRepository history, Properties properties, Clock clock) {
        super(
                "connection-health-retention",
                properties.interval(),
                clock,
                List.of(new Purge("health checks", properties.healthHistory(), history::purgeOlderThan)));
    }
}
