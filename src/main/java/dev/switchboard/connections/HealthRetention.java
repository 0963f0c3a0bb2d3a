package dev.switchboard.connections;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes health-check history past its retention, in batches, on a loop of its own. A
 * connection's current health lives on the connection itself and is never purged.
 */
@Component
class HealthRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HealthRetention.class);
    static final int BATCH = 500;

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

    private final HealthRepository history;
    private final Properties properties;
    private final Clock clock;
    private final PollingWorker worker;

    HealthRetention(HealthRepository history, Properties properties, Clock clock) {
        this.history = history;
        this.properties = properties;
        this.clock = clock;
        this.worker = new PollingWorker(
                "connection-health-retention", properties.interval(), Integer.MAX_VALUE, () -> run(100));
    }

    /** Runs up to {@code maxBatches} batches; returns the records deleted. */
    int run(int maxBatches) {
        Instant cutoff = Sql.now(clock).minus(properties.healthHistory());
        int deleted = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = history.purgeOlderThan(cutoff, BATCH);
            deleted += n;
        }
        if (deleted > 0) log.info("Connection health retention deleted {} records", deleted);
        return deleted;
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
