package dev.switchboard.audit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param retention how long entries are kept ({@code SWITCHBOARD_AUDIT_RETENTION}); default 5 years
 * @param retentionInterval how often each node purges expired entries, in batches
 * @param ipv4Prefix bits of an IPv4 source address kept ({@code SWITCHBOARD_AUDIT_IPV4_PREFIX}); 32 keeps it whole
 * @param ipv6Prefix bits of an IPv6 source address kept ({@code SWITCHBOARD_AUDIT_IPV6_PREFIX}); 128 keeps it whole
 * @param dashboard whether the dashboard's form posts ({@code /ui/**}) are audited too
 * @param enabled whether calls are audited at all ({@code SWITCHBOARD_AUDIT_ENABLED}, default on): off
 *     only to measure what the audit log costs (docs/BENCHMARKS.md); every other setting still applies
 */
@Validated
@ConfigurationProperties("switchboard.audit")
record AuditProperties(
        @DefaultValue("1826d") Duration retention,
        @DefaultValue("1h") Duration retentionInterval,
        @DefaultValue("24") @Min(0) @Max(32) int ipv4Prefix,
        @DefaultValue("48") @Min(0) @Max(128) int ipv6Prefix,
        @DefaultValue("true") boolean dashboard,
        @DefaultValue("true") boolean enabled) {

    AuditProperties {
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("switchboard.audit.retention must be at least 1d");
        }
        if (retentionInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("switchboard.audit.retention-interval must be at least 1s");
        }
    }
}
