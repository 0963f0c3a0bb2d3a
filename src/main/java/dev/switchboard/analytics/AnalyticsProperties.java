package dev.switchboard.analytics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code switchboard.analytics.*}.
 *
 * @param enabled whether this node runs the rollup job (any number of nodes may; one at a time works)
 * @param pollInterval how often the job looks for new facts
 * @param settle how far back each run recomputes: facts are written up to this long after their time
 *     (a delivery attempt's row is written when it ends), so buckets this recent are recomputed
 * @param maxSpan the most time one run covers, so that catching up on a long history is many short
 *     transactions
 * @param minuteRetention minute rows older than this are purged (hourly series reach back this far);
 *     never before their day's row is final
 * @param hourRetention hour rows older than this are purged (hourly series reach back this far, at
 *     most 92 days of them at a time); never before minute-retention
 * @param dayRetention day rows older than this are purged
 * @param retentionInterval how often the purge runs
 */
@ConfigurationProperties("switchboard.analytics")
record AnalyticsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration pollInterval,
        @DefaultValue("5m") Duration settle,
        @DefaultValue("6h") Duration maxSpan,
        @DefaultValue("14d") Duration minuteRetention,
        @DefaultValue("92d") Duration hourRetention,
        @DefaultValue("730d") Duration dayRetention,
        @DefaultValue("1h") Duration retentionInterval) {

    AnalyticsProperties {
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("switchboard.analytics.poll-interval must be at least 100ms");
        }
        if (settle.compareTo(Duration.ofMinutes(1)) < 0 || settle.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("switchboard.analytics.settle must be between 1m and 1d, was " + settle);
        }
        if (maxSpan.compareTo(Duration.ofMinutes(10)) < 0
                || maxSpan.compareTo(Duration.ofDays(7)) > 0
                || maxSpan.toSeconds() % 60 != 0) {
            throw new IllegalArgumentException(
                    "switchboard.analytics.max-span must be whole minutes between 10m and 7d, was " + maxSpan);
        }
        if (minuteRetention.compareTo(Duration.ofDays(2)) < 0) {
            // A day's row is built from its minute rows once the day is over: they must outlive it.
            throw new IllegalArgumentException(
                    "switchboard.analytics.minute-retention must be at least 2d, was " + minuteRetention);
        }
        if (hourRetention.compareTo(minuteRetention) < 0) {
            throw new IllegalArgumentException(
                    "switchboard.analytics.hour-retention must be at least minute-retention (" + minuteRetention
                            + "), was " + hourRetention);
        }
        if (dayRetention.compareTo(hourRetention) < 0) {
            throw new IllegalArgumentException("switchboard.analytics.day-retention must be at least hour-retention ("
                    + hourRetention + "), was " + dayRetention);
        }
        if (retentionInterval.isNegative() || retentionInterval.isZero()) {
            throw new IllegalArgumentException(
                    "switchboard.analytics.retention-interval must be positive, was " + retentionInterval);
        }
    }
}
