package dev.switchboard.outbound;

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
                event.set("data", json.readTree(d.payload()));
                yield new Request(
                        json.writeValueAsBytes(event), "application/cloudevents+json; charset=utf-8", Map.of());
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
                envelope.set("data", json.readTree(d.payload()));
                yield new Request(json.writeValueAsBytes(envelope), "application/json", Map.of());
            }
        };
    }

    /** The CloudEvents source of a tenant's messages: a URI reference naming the tenant. */
    static String source(String tenantId) {
        return "/switchboard/tenants/" + tenantId;
    }
}
