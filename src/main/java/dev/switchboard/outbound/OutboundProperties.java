package dev.switchboard.outbound;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param timeout the whole of one delivery: connecting, sending, and reading the answer
 *     ({@code SWITCHBOARD_OUTBOUND_TIMEOUT})
 * @param concurrency deliveries in flight per node ({@code SWITCHBOARD_OUTBOUND_CONCURRENCY})
 * @param endpointConcurrency deliveries in flight to one endpoint across the cluster, unless the
 *     endpoint sets its own {@code maxConcurrency}: one slow endpoint cannot take every slot
 * @param redisUrl Redis for cluster-wide rate-limit buckets ({@code SWITCHBOARD_REDIS_URL}); without
 *     it they are kept in PostgreSQL, or in memory on the embedded database
 * @param batchSize deliveries claimed per poll
 * @param pollInterval how often each node looks for due deliveries
 * @param lease how long a claimed delivery is this node's before another may take it over
 *     ({@code SWITCHBOARD_OUTBOUND_LEASE}); at least twice {@code timeout}
 * @param responseExcerptBytes how much of each response body is kept in the attempt log
 * @param retrySchedule the delay before each attempt, the first usually 0
 *     ({@code SWITCHBOARD_OUTBOUND_RETRY_SCHEDULE}, comma-separated durations)
 * @param retryJitter the spread applied to each delay (0.2 = ±20 %)
 * @param disableAfter how long an endpoint may fail without a single success before it is disabled
 *     ({@code SWITCHBOARD_OUTBOUND_DISABLE_AFTER})
 * @param enabled whether this node delivers at all
 * @param tenantConcurrency deliveries one tenant may have in flight on a node
 *     ({@code SWITCHBOARD_OUTBOUND_TENANT_CONCURRENCY}); unset: half of {@code concurrency}, so one
 *     tenant's slow endpoints cannot take every slot
 */
@Validated
@ConfigurationProperties("switchboard.outbound")
record OutboundProperties(
        @DefaultValue("15s") Duration timeout,
        @DefaultValue("64") @Min(1) @Max(1024) int concurrency,
        @DefaultValue("16") @Min(1) @Max(1024) int endpointConcurrency,
        String redisUrl,
        @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("16384") @Min(0) @Max(1_048_576) int responseExcerptBytes,

        @DefaultValue({"0s", "5s", "5m", "30m", "2h", "5h", "10h", "10h"})
        List<Duration> retrySchedule,

        @DefaultValue("0.2") double retryJitter,
        @DefaultValue("5d") Duration disableAfter,
        @DefaultValue("true") boolean enabled,
        @Min(1) @Max(1024) Integer tenantConcurrency) {

    /**
     * Settings that only make sense together: a delivery's outcome must be written before its lease
     * ends, or another node takes the delivery over and sends it a second time.
     */
    public OutboundProperties {
        if (timeout != null && lease != null && lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("switchboard.outbound.lease (" + lease
                    + ") must be at least twice switchboard.outbound.timeout (" + timeout
                    + "): a delivery claimed under a shorter lease can still be in flight when another node"
                    + " takes it over and sends it again (SWITCHBOARD_OUTBOUND_LEASE, SWITCHBOARD_OUTBOUND_TIMEOUT)");
        }
        if (tenantConcurrency != null && tenantConcurrency > concurrency) {
            throw new IllegalArgumentException("switchboard.outbound.tenant-concurrency (" + tenantConcurrency
                    + ") cannot exceed switchboard.outbound.concurrency (" + concurrency + ")");
        }
    }

    /** The in-flight deliveries one tenant may have on a node. */
    public int tenantCap() {
        return tenantConcurrency != null ? tenantConcurrency : Math.max(1, concurrency / 2);
    }

    /** The retry policy these settings describe; invalid ones stop the server at start. */
    public RetryPolicy retryPolicy() {
        return new RetryPolicy(retrySchedule, retryJitter);
    }
}
