package dev.switchboard.operations;

import java.time.Instant;
import java.util.Locale;

/**
 * Where alerts go: a Slack incoming webhook, a Microsoft Teams Workflows webhook (Adaptive Card),
 * the retired Office 365 connector (MessageCard), or any JSON webhook. Its URL is sealed; only a
 * hint of it is ever shown. {@code tenantId} is {@link Alerting#PLATFORM} for the operator's channels.
 */
record Channel(
        String id,
        String tenantId,
        String name,
        Kind kind,
        String urlHint,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    enum Kind {
        SLACK,
        TEAMS,
        TEAMS_CONNECTOR,
        WEBHOOK;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String field, String value) {
            for (Kind k : values()) if (k.wire().equals(value)) return k;
            throw dev.switchboard.common.ApiException.invalid(
                    field, "must be one of slack, teams, teams_connector, webhook");
        }
    }

    /** Scheme, host and the last few characters of the path: enough to recognise, not to use. */
    static String hint(java.net.URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String tail = path.length() > 4 ? "…" + path.substring(path.length() - 4) : "";
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/" + tail;
    }
}
