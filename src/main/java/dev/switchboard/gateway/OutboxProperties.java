package dev.switchboard.gateway;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the provider API outbox.
 *
 * @param pollInterval how often each node looks for due jobs ({@code SWITCHBOARD_OUTBOX_POLL_INTERVAL})
 * @param batchSize jobs claimed per poll ({@code SWITCHBOARD_OUTBOX_BATCH_SIZE})
 * @param lease how long a claimed job is this node's before another may take it over
 *     ({@code SWITCHBOARD_OUTBOX_LEASE}); at least twice the deadline of one call
 *     ({@code switchboard.gateway.deadline}, 30 s by default), checked when the worker starts
 * @param concurrency jobs in flight per node ({@code SWITCHBOARD_OUTBOX_CONCURRENCY})
 * @param maxBodyBytes the largest request body a job may carry ({@code SWITCHBOARD_OUTBOX_MAX_BODY_BYTES})
 * @param holdRecheck how long a job held by a connection that is not active waits before it is
 *     looked at again ({@code SWITCHBOARD_OUTBOX_HOLD_RECHECK})
 * @param responseExcerptBytes how much of each response body an attempt keeps (redacted)
 * @param enabled whether this node sends jobs at all
 */
@Validated
@ConfigurationProperties("switchboard.outbox")
record OutboxProperties(
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("90s") Duration lease,
        @DefaultValue("32") @Min(1) @Max(1024) int concurrency,
        @DefaultValue("262144") @Min(1) @Max(1_048_576) int maxBodyBytes,
        @DefaultValue("30s") Duration holdRecheck,
        @DefaultValue("4096") @Min(0) @Max(8000) int responseExcerptBytes,
        @DefaultValue("true") boolean enabled) {

    /** The lease against the configured call deadline is checked by {@link OutboxWorker}, which knows both. */
    OutboxProperties {
        require(pollInterval, "poll-interval", Duration.ofMillis(10), Duration.ofMinutes(10));
        require(holdRecheck, "hold-recheck", Duration.ofSeconds(1), Duration.ofHours(1));
        require(lease, "lease", Duration.ofSeconds(1), Duration.ofHours(24));
    }

    private static void require(Duration d, String name, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.outbox." + name + " (" + d + ") must be between " + min + " and " + max);
        }
    }
}
