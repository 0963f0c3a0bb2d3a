package dev.switchboard.domains;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of sending domains.
 *
 * @param dnsServer the resolver TXT records are read from, {@code host} or {@code host:port}
 *     ({@code SWITCHBOARD_DOMAINS_DNS_SERVER}); empty: the system's resolver
 * @param dnsTimeout how long one lookup may take ({@code SWITCHBOARD_DOMAINS_DNS_TIMEOUT})
 * @param checkInterval how often each domain is checked on schedule ({@code SWITCHBOARD_DOMAINS_CHECK_INTERVAL})
 * @param pollInterval how often a node looks for domains due a check
 * @param bounceRate the 7-day bounce rate that raises an event ({@code SWITCHBOARD_DOMAINS_BOUNCE_RATE}, 2 %)
 * @param complaintRate the 7-day complaint rate that raises one ({@code SWITCHBOARD_DOMAINS_COMPLAINT_RATE}, 0.1 %)
 * @param spamRate the 7-day spam-report rate that raises one ({@code SWITCHBOARD_DOMAINS_SPAM_RATE}, 0.3 %)
 * @param minVolume messages (delivered or bounced) in the 7 days before rates count: one bounce in
 *     three sends is noise, not a trend ({@code SWITCHBOARD_DOMAINS_MIN_VOLUME})
 */
@ConfigurationProperties("switchboard.domains")
record DomainsProperties(
        String dnsServer,
        @DefaultValue("5s") Duration dnsTimeout,
        @DefaultValue("24h") Duration checkInterval,
        @DefaultValue("1m") Duration pollInterval,
        @DefaultValue("0.02") double bounceRate,
        @DefaultValue("0.001") double complaintRate,
        @DefaultValue("0.003") double spamRate,
        @DefaultValue("100") long minVolume,
        @DefaultValue("true") boolean enabled) {

    DomainsProperties {
        require(dnsTimeout, "dns-timeout", Duration.ofMillis(100), Duration.ofMinutes(1));
        require(checkInterval, "check-interval", Duration.ofMinutes(1), Duration.ofDays(30));
        require(pollInterval, "poll-interval", Duration.ofMillis(10), Duration.ofHours(1));
        for (double rate : new double[] {bounceRate, complaintRate, spamRate}) {
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("switchboard.domains rates must be above 0 and at most 1: " + rate);
            }
        }
        if (minVolume < 1) throw new IllegalArgumentException("switchboard.domains.min-volume must be at least 1");
    }

    private static void require(Duration d, String name, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.domains." + name + " (" + d + ") must be between " + min + " and " + max);
        }
    }
}
