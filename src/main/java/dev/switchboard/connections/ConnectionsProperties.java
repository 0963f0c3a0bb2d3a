package dev.switchboard.connections;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param publicUrl the base URL browsers reach Switchboard at, for the OAuth redirect URI
 *     ({@code SWITCHBOARD_PUBLIC_URL}); without it, the URL of the request that started the authorization
 * @param refreshAhead refresh an OAuth token when less than this remains
 * @param pollInterval how often each node looks for tokens to refresh and checks that are due
 * @param checkInterval how often a connection's health is checked ({@code SWITCHBOARD_CONNECTIONS_CHECK_INTERVAL})
 * @param checkTimeout the whole of one health check
 * @param slowAfter a health check answered slower than this is {@code degraded}
 * @param stateTtl how long an OAuth authorization may take
 */
@ConfigurationProperties("switchboard.connections")
record ConnectionsProperties(
        String publicUrl,
        @DefaultValue("15m") Duration refreshAhead,
        @DefaultValue("30s") Duration pollInterval,
        @DefaultValue("5m") Duration checkInterval,
        @DefaultValue("10s") Duration checkTimeout,
        @DefaultValue("2s") Duration slowAfter,
        @DefaultValue("10m") Duration stateTtl) {}
