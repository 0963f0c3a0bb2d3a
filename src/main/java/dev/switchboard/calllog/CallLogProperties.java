package dev.switchboard.calllog;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param retention how long a call stays in the log ({@code SWITCHBOARD_CALLLOG_RETENTION})
 * @param retentionInterval how often each node purges calls older than that
 * @param maxBodyChars the most of a (redacted) request or response body kept, for connections that
 *     store bodies ({@code SWITCHBOARD_CALLLOG_MAX_BODY_CHARS})
 * @param flushInterval how long the call-log writer gathers rows before it writes them in one
 *     transaction ({@code SWITCHBOARD_CALLLOG_FLUSH_INTERVAL}); a crash loses at most about this
 *     much of the log (see {@link CallWriter})
 * @param queueCapacity rows the writer holds at most; past it, callers write their own rows at once
 */
@Validated
@ConfigurationProperties("switchboard.calllog")
record CallLogProperties(
        @DefaultValue("30d") Duration retention,
        @DefaultValue("10m") Duration retentionInterval,
        @DefaultValue("16384") @Min(0) @Max(65_536) int maxBodyChars,
        @DefaultValue("5ms") Duration flushInterval,
        @DefaultValue("10000") @Min(1) int queueCapacity) {

    CallLogProperties {
        if (flushInterval == null || flushInterval.isNegative() || flushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.calllog.flush-interval must be between 0 and 1s, not " + flushInterval);
        }
        if (retention == null || retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("switchboard.calllog.retention must be at least 1h, not " + retention);
        }
        if (retentionInterval == null || retentionInterval.isNegative() || retentionInterval.isZero()) {
            throw new IllegalArgumentException(
                    "switchboard.calllog.retention-interval must be positive, not " + retentionInterval);
        }
    }
}
