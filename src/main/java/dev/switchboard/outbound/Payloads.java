package dev.switchboard.outbound;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request body and format headers of a delivery, in the endpoint's format:
 *
 * <ul>
 *   <li>{@code standard-webhooks}: {@code {"type", "timestamp", "data"}} as JSON;
 *   <li>{@code cloudevents-structured}: the event as {@code application/cloudevents+json} (CloudEvents
 *       1.0 HTTP binding, structured mode);
 *   <li>{@code cloudevents-binary}: the payload as the body, the attributes as {@code ce-*} headers
 *       (binary mode).
 * </ul>
 *
 * Every format is also signed with the {@code webhook-*} headers: the signature covers the exact body.
 */
@Component
class Payloads {

    record Request(byte[] body, String contentType, Map<String, String> headers) {}

    private final JsonMapper json;

    Payloads(JsonMapper json) {
        this.json = json;
    }

    Request request(DeliveryRepository.Due d, Instant now) {
        String source = source(d.tenantId());
        String time = d.messageCreatedAt().toString();
        return switch (d.format()) {
            case "cloudevents-structured" -> {
                ObjectNode event = json.createObjectNode();
                event.put("specversion", "1.0");
                event.put("id", d.messageId());
                event.put("source", source);
                event.put("type", d.eventType());
                event.put("time", time);
                event.put("datacontenttype", "application/json");
                yield new Request(
                        withData(event, d.payload()), "application/cloudevents+json; charset=utf-8", Map.of());
            }
            case "cloudevents-binary" ->
                new Request(
                        d.payload(),
                        "application/json",
                        Map.of(
                                "ce-specversion",
                                "1.0",
                                "ce-id",
                                d.messageId(),
                                "ce-source",
                                source,
                                "ce-type",
                                d.eventType(),
                                "ce-time",
                                time));
            default -> {
                ObjectNode envelope = json.createObjectNode();
                envelope.put("type", d.eventType());
                envelope.put("timestamp", time);
                yield new Request(withData(envelope, d.payload()), "application/json", Map.of());
            }
        };
    }

    /**
     * The object with a last member {@code "data"} holding the payload's bytes as they are stored. A
     * message's payload is stored as the JSON it was validated as, so it is spliced in rather than
     * parsed and written again for every delivery (a fifth of a delivery's CPU when it was).
     */
    private byte[] withData(ObjectNode head, byte[] stored) {
        byte[] payload = stored == null || stored.length == 0 ? "null".getBytes(StandardCharsets.US_ASCII) : stored;
        byte[] start = json.writeValueAsBytes(head); // {...}: at least one member, so it ends "...}"
        byte[] key = {',', '"', 'd', 'a', 't', 'a', '"', ':'};
        byte[] out = new byte[start.length - 1 + key.length + payload.length + 1];
        System.arraycopy(start, 0, out, 0, start.length - 1);
        System.arraycopy(key, 0, out, start.length - 1, key.length);
        System.arraycopy(payload, 0, out, start.length - 1 + key.length, payload.length);
        out[out.length - 1] = '}';
        return out;
    }

    /** The CloudEvents source of a tenant's messages: a URI reference naming the tenant. */
    static String source(String tenantId) {
        return "/switchboard/tenants/" + tenantId;
    }
}
