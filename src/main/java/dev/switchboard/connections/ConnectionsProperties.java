package dev.switchboard.connections;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Checked once at startup: durations that only make sense relative to each other fail fast with the
 * values that conflict.
 *
 * @param publicUrl the base URL browsers reach Switchboard at, for the OAuth redirect URI
 *     ({@code SWITCHBOARD_PUBLIC_URL}); without it, the URL of the request that started the authorization
 * @param refreshAhead refresh an OAuth token when less than this remains
 * @param pollInterval how often each node looks for tokens to refresh and checks that are due
 * @param checkInterval how often a connection's health is checked ({@code SWITCHBOARD_CONNECTIONS_CHECK_INTERVAL})
 * @param checkTimeout the whole of one health check
 * @param checkConcurrency health checks (and token refreshes) one node runs at once; it claims no
 *     more than that per round, so every claimed check ends before its lease
 * @param slowAfter a health check answered slower than this is {@code degraded}
 * @param stateTtl how long an OAuth authorization may take
 * @param tokenTimeout the whole of one call to a token endpoint
 * @param refreshLease how long one node's claim on a token refresh holds before another may take it over
 * @param inUseCacheTtl how long a node reuses a connection it read for a provider call (proxy, outbox),
 *     {@code SWITCHBOARD_CONNECTIONS_IN_USE_CACHE_TTL}, 1 s; 0 turns it off: a change made on another
 *     node (a suspension, new credentials) applies here within it, one made on this node at once
 */
@ConfigurationProperties("switchboard.connections")
record ConnectionsProperties(
        String publicUrl,
        @DefaultValue("15m") Duration refreshAhead,
        @DefaultValue("30s") Duration pollInterval,
        @DefaultValue("5m") Duration checkInterval,
        @DefaultValue("10s") Duration checkTimeout,
        @DefaultValue("8") int checkConcurrency,
        @DefaultValue("2s") Duration slowAfter,
        @DefaultValue("10m") Duration stateTtl,
        @DefaultValue("10s") Duration tokenTimeout,
        @DefaultValue("30s") Duration refreshLease,
        @DefaultValue("1s") Duration inUseCacheTtl) {

    /** What a claimed check may take beyond its own timeout: reading secrets, writing the result. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(10);

    ConnectionsProperties {
        positive("refresh-ahead", refreshAhead);
        positive("poll-interval", pollInterval);
        positive("check-interval", checkInterval);
        positive("check-timeout", checkTimeout);
        positive("state-ttl", stateTtl);
        positive("token-timeout", tokenTimeout);
        positive("refresh-lease", refreshLease);
        if (inUseCacheTtl == null
                || inUseCacheTtl.isNegative()
                || inUseCacheTtl.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.connections.in-use-cache-ttl must be 0 to 10s, not " + inUseCacheTtl);
        }
        if (checkConcurrency < 1 || checkConcurrency > 256) {
            throw new IllegalArgumentException(
                    "switchboard.connections.check-concurrency must be 1 to 256, not " + checkConcurrency);
        }
        longer("refresh-ahead", refreshAhead, "poll-interval", pollInterval, "a token could expire between two looks");
        longer("refresh-ahead", refreshAhead, "token-timeout", tokenTimeout, "a token could expire during its refresh");
        longer(
                "refresh-lease",
                refreshLease,
                "token-timeout",
                tokenTimeout,
                "another node would take over a refresh still in flight");
        longer("check-timeout", checkTimeout, "slow-after", slowAfter, "no answer could ever count as slow");
    }

    /**
     * How long a round of scheduled checks holds its claim: rounds claim {@code checkConcurrency}
     * connections and run them at once, so one timeout (times ceil(claimed / concurrency) = 1) plus a margin.
     */
    Duration checkLease() {
        return checkTimeout.plus(LEASE_MARGIN);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("switchboard.connections." + name + " must be positive, not " + d);
        }
    }

    private static void longer(String name, Duration d, String than, Duration other, String why) {
        if (d.compareTo(other) <= 0) {
            throw new IllegalArgumentException("switchboard.connections." + name + " (" + d
                    + ") must be longer than switchboard.connections." + than + " (" + other + "): otherwise " + why
                    + ".");
        }
    }
}
