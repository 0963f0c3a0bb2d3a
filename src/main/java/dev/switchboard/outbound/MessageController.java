package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
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
            String status,
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

    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final EventTypeRepository types;
    private final PayloadSchemas schemas;
    private final Publisher publisher;
    private final TenantAccess access;
    private final TransactionTemplate tx;
    private final DeliveryEngine engine;
    private final JsonMapper json;
    private final Clock clock;

    MessageController(
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            EventTypeRepository types,
            PayloadSchemas schemas,
            Publisher publisher,
            TenantAccess access,
            TransactionTemplate tx,
            DeliveryEngine engine,
            JsonMapper json,
            Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.types = types;
        this.schemas = schemas;
        this.publisher = publisher;
        this.access = access;
        this.tx = tx;
        this.engine = engine;
        this.json = json;
        this.clock = clock;
    }

    @Operation(summary = "Send a message: stored with one delivery per subscribed endpoint before the 202")
    @PostMapping("/api/v1/tenants/{tenant}/messages")
    ResponseEntity<Accepted> send(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @Valid @RequestBody SendMessage body) {
        access.write(caller, tenant);
        if (!body.payload().isObject()) throw ApiException.invalid("payload", "must be a JSON object");
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.invalid("Idempotency-Key", "must be 1 to 200 characters");
        }
        if (body.orderingKey() != null && body.orderingKey().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("orderingKey", "must not contain control characters");
        }
        types.find(tenant, body.eventType())
                .map(EventTypeRepository.EventType::schema)
                .ifPresent(schema -> schemas.validate(schema, body.payload()));
        byte[] payload = json.writeValueAsBytes(body.payload());
        byte[] hash = sha256(json.writeValueAsBytes(body));
        for (int attempt = 0; ; attempt++) {
            try {
                ResponseEntity<Accepted> r = tx.execute(s -> store(tenant, body, payload, idempotencyKey, hash));
                if (r.getStatusCode().value() == 202) engine.wake();
                return r;
            } catch (DuplicateKeyException raced) {
                // A concurrent request with the same key committed first; the next pass finds it.
                if (attempt >= 2) throw raced;
            }
        }
    }

    private ResponseEntity<Accepted> store(String tenant, SendMessage body, byte[] payload, String key, byte[] hash) {
        Instant now = Sql.now(clock);
        Instant notBefore = now.minus(IDEMPOTENCY_WINDOW);
        if (key != null) {
            var earlier = deliveries.idempotent(tenant, key, notBefore);
            if (earlier.isPresent()) {
                if (!MessageDigest.isEqual(earlier.get().getValue(), hash)) {
                    throw ApiException.conflict(
                            "This Idempotency-Key was used in the last 24 h for a different request.");
                }
                String id = earlier.get().getKey();
                return ResponseEntity.ok(
                        new Accepted(id, deliveries.deliveriesOf(id).size()));
            }
        }
        String id = Ids.next("msg");
        int fanOut = publisher.publish(id, tenant, body.eventType(), payload, body.orderingKey(), now);
        if (key != null) deliveries.remember(tenant, key, hash, id, now, notBefore);
        return ResponseEntity.accepted().body(new Accepted(id, fanOut));
    }

    @Operation(summary = "A message and its delivery status per endpoint")
    @GetMapping("/api/v1/tenants/{tenant}/messages/{id}")
    MessageView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.read(caller, tenant);
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
                                d.status(),
                                d.attempts(),
                                d.nextAttemptAt(),
                                d.lastStatusCode(),
                                d.lastError(),
                                d.updatedAt()))
                        .toList());
    }

    @Operation(summary = "Every attempt to deliver a message, oldest first")
    @GetMapping("/api/v1/tenants/{tenant}/messages/{id}/attempts")
    List<DeliveryRepository.Attempt> attempts(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.read(caller, tenant);
        deliveries.findMessage(tenant, id).orElseThrow(() -> ApiException.notFound("message"));
        return deliveries.attemptsOfMessage(tenant, id);
    }

    @Operation(summary = "Deliver a message to an endpoint again, now")
    @PostMapping("/api/v1/tenants/{tenant}/messages/{id}/endpoints/{endpoint}/resend")
    ResponseEntity<Void> resend(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @PathVariable String endpoint) {
        access.write(caller, tenant);
        switch (deliveries.resend(tenant, id, endpoint, Sql.now(clock))) {
            case QUEUED -> {}
            case NOT_FOUND -> throw ApiException.notFound("delivery");
            // Sending it now as well would send it twice at once: the caller retries once it has ended.
            case IN_FLIGHT -> throw ApiException.conflict("The delivery is being sent now; resend it once it ends");
        }
        engine.wake();
        return ResponseEntity.accepted().build();
    }

    @Operation(summary = "An endpoint's attempts, newest first; status=succeeded|failed, since=RFC 3339")
    @GetMapping("/api/v1/tenants/{tenant}/endpoints/{id}/attempts")
    Page<DeliveryRepository.Attempt> endpointAttempts(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        access.read(caller, tenant);
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

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
