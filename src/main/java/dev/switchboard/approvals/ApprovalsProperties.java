package dev.switchboard.approvals;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of approval gates.
 *
 * @param defaultExpiry how long a request for approval waits when neither the job, its rule nor the
 *     tenant says ({@code SWITCHBOARD_APPROVALS_DEFAULT_EXPIRY})
 * @param expiryInterval how often each node looks for requests whose time is up
 * @param slackTolerance how far a Slack callback's timestamp may be from now, in seconds (Slack's
 *     own advice is 5 minutes)
 * @param slackResponseUrlPrefixes the only URLs a Slack callback's {@code response_url} may start
 *     with: Slack's own, so a callback cannot turn the server into a proxy even with a leaked
 *     signing secret ({@code SWITCHBOARD_APPROVALS_SLACK_RESPONSE_URL_PREFIXES})
 * @param slackResponseTimeout the whole deadline of one update of a Slack message
 */
@Validated
@ConfigurationProperties("switchboard.approvals")
record ApprovalsProperties(
        @DefaultValue("24h") Duration defaultExpiry,
        @DefaultValue("15s") Duration expiryInterval,
        @DefaultValue("300") @Min(1) @Max(3600) int slackTolerance,
        @DefaultValue("https://hooks.slack.com/") List<String> slackResponseUrlPrefixes,
        @DefaultValue("5s") Duration slackResponseTimeout) {

    ApprovalsProperties {
        if (defaultExpiry.compareTo(Rules.MIN_EXPIRY) < 0 || defaultExpiry.compareTo(Rules.MAX_EXPIRY) > 0) {
            throw new IllegalArgumentException("switchboard.approvals.default-expiry (" + defaultExpiry
                    + ") must be between 1 minute and 30 days");
        }
        if (expiryInterval.compareTo(Duration.ofMillis(10)) < 0 || expiryInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.approvals.expiry-interval (" + expiryInterval + ") must be between 10ms and 1h");
        }
    }
}
