package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * The CloudEvents 1.0 view of a stored event (JSON format). {@code data} is the body as JSON when
 * it is JSON, as a string when it is text, else {@code data_base64}. The extension attributes carry
 * the tenant, the mapped user, how the event was verified and, when one maps, the canonical type
 * ({@code canonicaltype}: extension names are lowercase letters and digits only, per the spec).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        String datacontenttype,
        JsonNode data,
        @JsonProperty("data_base64") String dataBase64,
        String tenantid,
        String userid,
        String verification,
        String canonicaltype) {

    /**
     * The provider, not the source: a source's id is in its ingest URL, and whoever knows that URL
     * can post to it (and, for provider {@code none}, be believed), so it stays out of payloads that
     * leave Switchboard. Tenants see the source id in the events API.
     */
    static String sourceUri(String provider) {
        return "/switchboard/sources/" + provider;
    }

    /** A body as CloudEvents data: JSON when it is JSON, a string when text, else base64. */
    private record Data(JsonNode json, String base64) {}

    private static Data data(String contentType, byte[] body, JsonMapper json) {
        JsonNode data = null;
        String base64 = null;
        if (body != null) {
            String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (ct.contains("json")) {
                try {
                    data = json.readTree(body);
                } catch (RuntimeException notJson) {
                    data = null;
                }
            }
            if (data == null) {
                if (ct.startsWith("text/")
                        || ct.startsWith("application/x-www-form-urlencoded")
                        || ct.contains("xml")) {
                    data = StringNode.valueOf(new String(body, StandardCharsets.UTF_8));
                } else if (body.length > 0) {
                    base64 = Base64.getEncoder().encodeToString(body);
                }
            }
        }
        return new Data(data, base64);
    }

    static CloudEvent of(EventRow e, byte[] body, JsonMapper json) {
        return of(e.event(), body, json);
    }

    static CloudEvent of(InboundEvent e, byte[] body, JsonMapper json) {
        Data d = data(e.contentType(), body, json);
        return new CloudEvent(
                "1.0",
                e.id(),
                sourceUri(e.provider()),
                e.type(),
                e.time() != null ? e.time() : e.receivedAt(),
                e.subject(),
                e.contentType(),
                d.json(),
                d.base64(),
                e.tenantId(),
                e.userId(),
                e.verification(),
                e.canonicalType());
    }
}
