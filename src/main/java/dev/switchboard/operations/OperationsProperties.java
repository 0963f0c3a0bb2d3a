package dev.switchboard.operations;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Checked once at startup.
 *
 * @param dedupWindow alerts for the same rule and subject within this window are counted, not sent again
 * @param evaluateInterval how often thresholds (backlogs, signature-failure spikes, failed jobs) are evaluated
 * @param pollInterval how often the alert workers look for signals and sends when not woken
 * @param sendTimeout the whole of one call to a channel
 * @param sendAttempts attempts per channel before a send is marked failed
 * @param spikeWindow the window signature failures are counted over
 * @param backlogMaxWaiting health turns DEGRADED when a backlog holds more items than this
 * @param backlogMaxAge health turns DEGRADED when a backlog's oldest item waited longer than this
 * @param healthCacheTtl how long a backlog reading is reused (health is polled by load balancers)
 * @param alertRetention alerts (and their sends) are deleted after this
 * @param jobRunRetention job runs are deleted after this
 * @param retentionInterval how often the purge runs
 * @param jobLogFailuresOnly workers whose successful batches are not logged (hot queues whose every
 *     item is recorded by its own module already); their failures still are
 */
@ConfigurationProperties("switchboard.operations")
record OperationsProperties(
        @DefaultValue("15m") Duration dedupWindow,
        @DefaultValue("30s") Duration evaluateInterval,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("6") int sendAttempts,
        @DefaultValue("5m") Duration spikeWindow,
        @DefaultValue("10000") long backlogMaxWaiting,
        @DefaultValue("15m") Duration backlogMaxAge,
        @DefaultValue("5s") Duration healthCacheTtl,
        @DefaultValue("90d") Duration alertRetention,
        @DefaultValue("30d") Duration jobRunRetention,
        @DefaultValue("1h") Duration retentionInterval,

        @DefaultValue({"outbound-delivery", "inbound-processor"})
        java.util.Set<String> jobLogFailuresOnly) {

    OperationsProperties {
        positive("dedup-window", dedupWindow);
        positive("evaluate-interval", evaluateInterval);
        positive("poll-interval", pollInterval);
        positive("send-timeout", sendTimeout);
        positive("spike-window", spikeWindow);
        positive("backlog-max-age", backlogMaxAge);
        positive("alert-retention", alertRetention);
        positive("job-run-retention", jobRunRetention);
        positive("retention-interval", retentionInterval);
        if (healthCacheTtl == null || healthCacheTtl.isNegative()) {
            throw new IllegalArgumentException(
                    "switchboard.operations.health-cache-ttl must be zero or more, not " + healthCacheTtl);
        }
        if (sendAttempts < 1 || sendAttempts > 20) {
            throw new IllegalArgumentException(
                    "switchboard.operations.send-attempts must be 1 to 20, not " + sendAttempts);
        }
        if (backlogMaxWaiting < 1) {
            throw new IllegalArgumentException(
                    "switchboard.operations.backlog-max-waiting must be positive, not " + backlogMaxWaiting);
        }
    }

    /** A claimed send must end before its lease does: one timeout, plus a margin for the writes. */
    Duration sendLease() {
        return sendTimeout.plus(Duration.ofSeconds(20));
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("switchboard.operations." + name + " must be positive, not " + d);
        }
    }
}
