package dev.switchboard.gateway;

import dev.switchboard.connections.ConnectionAccess;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The provider API gateway's settings, checked at startup.
 *
 * @param deadline the whole of one call to a provider: connecting, sending, and reading the answer
 *     ({@code SWITCHBOARD_GATEWAY_DEADLINE}); at most {@link ConnectionAccess#MAX_CALL_DEADLINE}
 * @param maxResponseBytes the most of a provider's answer the proxy passes back; a longer one is a 502
 * @param limitsCacheTtl how long a node reuses a connection's effective limits before reading them
 *     again: an override set on another node applies within this time
 * @param throttleCacheTtl how long a node reuses "no throttle in force" for a connection before reading
 *     its throttle again ({@code SWITCHBOARD_GATEWAY_THROTTLE_CACHE_TTL}, 1 s; 0 reads it on every call):
 *     a throttle the provider asked for through another node applies here within this time
 */
@ConfigurationProperties("switchboard.gateway")
record GatewayProperties(
        @DefaultValue("30s") Duration deadline,
        @DefaultValue("10485760") int maxResponseBytes,
        @DefaultValue("5s") Duration limitsCacheTtl,
        @DefaultValue("1s") Duration throttleCacheTtl) {

    GatewayProperties {
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("switchboard.gateway.deadline must be positive, not " + deadline);
        }
        if (deadline.compareTo(ConnectionAccess.MAX_CALL_DEADLINE) > 0) {
            throw new IllegalArgumentException("switchboard.gateway.deadline (" + deadline + ") must be at most "
                    + ConnectionAccess.MAX_CALL_DEADLINE + ": the provider clients' socket timeout would end it first");
        }
        if (maxResponseBytes < 1024 || maxResponseBytes > 100 * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "switchboard.gateway.max-response-bytes must be 1024 to 104857600, not " + maxResponseBytes);
        }
        if (limitsCacheTtl == null
                || limitsCacheTtl.isNegative()
                || limitsCacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.gateway.limits-cache-ttl must be 0 to 5m, not " + limitsCacheTtl);
        }
        if (throttleCacheTtl == null
                || throttleCacheTtl.isNegative()
                || throttleCacheTtl.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.gateway.throttle-cache-ttl must be 0 to 10s, not " + throttleCacheTtl);
        }
    }
}
