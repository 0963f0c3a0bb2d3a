package dev.switchboard.outbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An endpoint as shown; {@code secret} only in the response that created it or rotated to it.
 * Static header values are never shown: they are often credentials. A viewer sees only the URL's
 * origin: paths and query strings often carry a receiver's token.
 */
record EndpointView(
        String id,
        String tenantId,
        String url,
        String description,
        List<String> eventTypes,
        Map<String, String> headers,
        JsonNode filter,
        Integer rateLimitPerSecond,
        Integer maxConcurrency,
        boolean ordered,
        String format,
        boolean disabled,
        String disabledReason,
        Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long attemptsLast24h,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long succeededLast24h,
        Instant lastDeliveryAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    /** Who is looking decides how much of the URL they see. */
    enum Audience {
        WRITER,
        VIEWER
    }

    static EndpointView of(Endpoint e, String secret, Audience audience, JsonMapper json) {
        return of(e, secret, audience, json, null);
    }

    /** With the endpoint's last day of attempts (lists and reads; null leaves them out). */
    static EndpointView of(
            Endpoint e,
            String secret,
            Audience audience,
            JsonMapper json,
            DeliveryRepository.EndpointActivity activity) {
        Map<String, String> headers = new TreeMap<>();
        e.headerNames().forEach(name -> headers.put(name, EndpointInput.REDACTED));
        return new EndpointView(
                e.id(),
                e.tenantId(),
                audience == Audience.VIEWER ? origin(e.url()) : e.url(),
                e.description(),
                e.eventTypes(),
                headers,
                e.filter() == null ? null : json.readTree(e.filter()),
                e.rateLimitPerSecond(),
                e.maxConcurrency(),
                e.ordered(),
                e.format(),
                !e.active(),
                e.disabledReason(),
                e.previousSecretExpiresAt(),
                e.createdAt(),
                e.updatedAt(),
                activity == null ? null : activity.attemptsLast24h(),
                activity == null ? null : activity.succeededLast24h(),
                activity == null ? null : activity.lastDeliveryAt(),
                secret);
    }

    /** {@code scheme://host[:port]}: no user info, path, query or fragment. */
    static String origin(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) return null;
            return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException unparsable) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "EndpointView[id=" + id + "]";
    }
}
