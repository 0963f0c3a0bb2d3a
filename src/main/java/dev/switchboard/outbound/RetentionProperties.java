package dev.switchboard.outbound;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long outbound history is kept; checked at startup.
 *
 * @param messages messages, with their deliveries and attempts, once no delivery of theirs is
 *     pending or paused ({@code SWITCHBOARD_OUTBOUND_MESSAGE_RETENTION})
 * @param attempts attempt records, even of a message still kept ({@code SWITCHBOARD_OUTBOUND_ATTEMPT_RETENTION})
 * @param idempotencyKeys Idempotency-Keys; at least the 24 h they deduplicate for
 *     ({@code SWITCHBOARD_OUTBOUND_IDEMPOTENCY_RETENTION})
 * @param interval how often each node purges
 */
@ConfigurationProperties("switchboard.outbound.retention")
record RetentionProperties(
        @DefaultValue("30d") Duration messages,
        @DefaultValue("30d") Duration attempts,
        @DefaultValue("24h") Duration idempotencyKeys,
        @DefaultValue("10m") Duration interval) {

    RetentionProperties {
        atLeast("messages", messages, Duration.ofHours(1));
        atLeast("attempts", attempts, Duration.ofHours(1));
        atLeast("idempotency-keys", idempotencyKeys, Messages.IDEMPOTENCY_WINDOW);
        atLeast("interval", interval, Duration.ofSeconds(1));
        if (messages.compareTo(idempotencyKeys) < 0) {
            throw new IllegalArgumentException("switchboard.outbound.retention.messages (" + messages
                    + ") must be at least switchboard.outbound.retention.idempotency-keys (" + idempotencyKeys
                    + "): a key must not outlive the message it returns");
        }
    }

    private static void atLeast(String name, Duration d, Duration min) {
        if (d == null || d.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    "switchboard.outbound.retention." + name + " must be at least " + min + ", not " + d);
        }
    }
}
