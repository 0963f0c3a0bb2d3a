package dev.switchboard.consent;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of consent and unsubscribe links.
 *
 * @param publicUrl the base URL unsubscribe links start with ({@code SWITCHBOARD_PUBLIC_URL}); empty:
 *     the base URL of the request that queued the job
 * @param linkTtl how long an unsubscribe link works ({@code SWITCHBOARD_CONSENT_LINK_TTL}): mail is
 *     read long after it is sent, so weeks, not hours
 */
@ConfigurationProperties("switchboard.consent")
record ConsentProperties(
        String publicUrl, @DefaultValue("60d") Duration linkTtl) {

    ConsentProperties {
        if (linkTtl == null
                || linkTtl.compareTo(Duration.ofMinutes(1)) < 0
                || linkTtl.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.consent.link-ttl (" + linkTtl + ") must be between 1 minute and 3650 days");
        }
    }
}
