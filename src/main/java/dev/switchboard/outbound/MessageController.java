package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Tag(name = "Outbound messages")
@RestController
class MessageController {

    record SendMessage(
            @NotBlank @Pattern(regexp = EventTypeController.NAME, message = "letters, digits, '.', '_' and '-' only")
            String eventType,

            @NotNull JsonNode payload,

            @jakarta.validation.constraints.Size(min = 1, max = 200)
            String orderingKey) {}

    record Accepted(String id, int deliveries) {}

    record DeliveryView(
            String endpointId,
            DeliveryStatus status,
            int attempts,
            Instant nextAttemptAt,
            Integer lastStatusCode,
            String lastError,
            Instant updatedAt) {}

    record MessageView(
            String id,
            String eventType,
            JsonNode payload,
            String orderingKey,
            Instant createdAt,
            List<DeliveryView> deliveries) {}

    private final Messages messages;
    private final MessageLog messageLog;
    private final Deliveries search;
    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final JsonMapper json;

    MessageController(
            Messages messages,
            MessageLog messageLog,
            Deliveries search,
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            JsonMapper json) {
        this.messages = messages;
        this.messageLog = messageLog;
        this.search = search;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.json = json;
    }

    @Operation(summary = "Send a message: stored with one delivery per subscribed endpoint before the 202")
    @PostMapping("/api/v1/tenants/{tenant}/messages")
    ResponseEntity<Accepted> send(
            TenantScope scope,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @Valid @RequestBody SendMessage body) {
        var sent = messages.send(new Messages.Send(
                scope.tenantId(), body.eventType(), body.payload(), body.orderingKey(), idempotencyKey));
        var accepted = new Accepted(sent.id(), sent.deliveries());
        return switch (sent) {
            case Messages.Sent.Accepted a -> ResponseEntity.accepted().body(accepted);
            case Messages.Sent.Repeated r -> ResponseEntity.ok(accepted);
        };
    }

    @Operation(
            summary = "Search messages, newest first: eventType, endpoint, status (of any of its deliveries),"
                    + " since, until (RFC 3339); no payloads")
    @GetMapping("/api/v1/tenants/{tenant}/messages")
    Page<DeliveryRepository.MessageItem> list(
            TenantScope scope,
            @RequestParam(required = false) String eventType,
            @RequestParam(required = false) String endpoint,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return search.messages(
                scope.tenantId(), new Deliveries.Query(status, endpoint, eventType, since, until), limit, cursor);
    }

    @Operation(summary = "A message and its delivery status per endpoint")
    @GetMapping("/api/v1/tenants/{tenant}/messages/{id}")
    MessageView get(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        var m = deliveries.findMessage(tenant, id).orElseThrow(() -> ApiException.notFound("message"));
        return new MessageView(
                m.id(),
                m.eventType(),
                json.readTree(m.payload()),
                m.orderingKey(),
                m.createdAt(),
                deliveries.deliveriesOf(id).stream()
                        .map(d -> new DeliveryView(
                                d.endpointId(),
                                DeliveryStatus.fromWire(d.status()),
                                d.attempts(),
                                d.nextAttemptAt(),
                                d.lastStatusCode(),
                                d.lastError(),
                                d.updatedAt()))
                        .toList());
    }

    @Operation(summary = "Every attempt to deliver a message, oldest first")
    @GetMapping("/api/v1/tenants/{tenant}/messages/{id}/attempts")
    List<DeliveryRepository.Attempt> attempts(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        deliveries.findMessage(tenant, id).orElseThrow(() -> ApiException.notFound("message"));
        return deliveries.attemptsOfMessage(tenant, id);
    }

    @Operation(summary = "Deliver a message to an endpoint again, now")
    @PostMapping("/api/v1/tenants/{tenant}/messages/{id}/endpoints/{endpoint}/resend")
    ResponseEntity<Void> resend(TenantScope scope, @PathVariable String id, @PathVariable String endpoint) {
        messageLog.resend(scope.tenantId(), id, endpoint);
        return ResponseEntity.accepted().build();
    }

    @Operation(summary = "An endpoint's attempts, newest first; status=succeeded|failed, since=RFC 3339")
    @GetMapping("/api/v1/tenants/{tenant}/endpoints/{id}/attempts")
    Page<DeliveryRepository.Attempt> endpointAttempts(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        endpoints.find(tenant, id).orElseThrow(() -> ApiException.notFound("endpoint"));
        Boolean success = switch (status == null ? "" : status) {
            case "" -> null;
            case "succeeded" -> true;
            case "failed" -> false;
            default -> throw ApiException.invalid("status", "must be succeeded or failed");
        };
        Instant from = Timestamps.parse("since", since);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(
                deliveries.attemptsOfEndpoint(tenant, id, success, from, page),
                page,
                a -> new Cursor(a.attemptedAt(), a.id()));
    }
}
