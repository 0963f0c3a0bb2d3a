package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sending a message: the one use case behind the messages API, Switchboard's own operational
 * events and forwarded inbound events. A tenant's message is checked (payload shape, its type's
 * schema), deduplicated by its Idempotency-Key for 24 hours, and stored with its deliveries in one
 * transaction.
 */
@Service
class Messages {

    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    /** A tenant's message as asked for; {@code orderingKey} and {@code idempotencyKey} may be null. */
    record Send(String tenantId, String eventType, JsonNode payload, String orderingKey, String idempotencyKey) {}

    /** What became of a send: a new message, or the earlier one its Idempotency-Key names. */
    sealed interface Sent {
        String id();

        int deliveries();

        record Accepted(String id, int deliveries) implements Sent {}

        record Repeated(String id, int deliveries) implements Sent {}
    }

    /** What the idempotency hash covers; its field order is the stored hashes' format. */
    private record Hashed(String eventType, JsonNode payload, String orderingKey) {}

    private final DeliveryRepository deliveries;
    private final EventTypeRepository types;
    private final PayloadSchemas schemas;
    private final Publisher publisher;
    private final TransactionTemplate tx;
    /** Looked up when needed: the engine's completions emit operational events through here. */
    private final ObjectProvider<DeliveryEngine> engine;

    private final JsonMapper json;
    private final Clock clock;

    Messages(
            DeliveryRepository deliveries,
            EventTypeRepository types,
            PayloadSchemas schemas,
            Publisher publisher,
            TransactionTemplate tx,
            ObjectProvider<DeliveryEngine> engine,
            JsonMapper json,
            Clock clock) {
        this.deliveries = deliveries;
        this.types = types;
        this.schemas = schemas;
        this.publisher = publisher;
        this.tx = tx;
        this.engine = engine;
        this.json = json;
        this.clock = clock;
    }

    /** Sends a tenant's message; bad input is an {@link ApiException} and stores nothing. */
    Sent send(Send request) {
        if (!request.payload().isObject()) throw ApiException.invalid("payload", "must be a JSON object");
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw ApiException.invalid("Idempotency-Key", "must be 1 to 200 characters");
        }
        if (request.orderingKey() != null && request.orderingKey().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("orderingKey", "must not contain control characters");
        }
        types.find(request.tenantId(), request.eventType())
                .map(EventTypeRepository.EventType::schema)
                .ifPresent(schema -> schemas.validate(schema, request.payload()));
        byte[] payload = json.writeValueAsBytes(request.payload());
        byte[] hash = sha256(
                json.writeValueAsBytes(new Hashed(request.eventType(), request.payload(), request.orderingKey())));
        for (int attempt = 0; ; attempt++) {
            try {
                Sent sent = tx.execute(s -> store(request, payload, hash));
                if (sent instanceof Sent.Accepted) engine.getObject().wake();
                return sent;
            } catch (DuplicateKeyException raced) {
                // A concurrent request with the same key committed first; the next pass finds it.
                if (attempt >= 2) throw raced;
            }
        }
    }

    private Sent store(Send request, byte[] payload, byte[] hash) {
        Instant now = Sql.now(clock);
        Instant notBefore = now.minus(IDEMPOTENCY_WINDOW);
        String key = request.idempotencyKey();
        if (key != null) {
            var earlier = deliveries.idempotent(request.tenantId(), key, notBefore);
            if (earlier.isPresent()) {
                if (!MessageDigest.isEqual(earlier.get().getValue(), hash)) {
                    throw ApiException.conflict(
                            "This Idempotency-Key was used in the last 24 h for a different request.");
                }
                String id = earlier.get().getKey();
                return new Sent.Repeated(id, deliveries.deliveriesOf(id).size());
            }
        }
        String id = Ids.next("msg");
        int fanOut =
                publisher.publish(id, request.tenantId(), request.eventType(), payload, request.orderingKey(), now);
        if (key != null) deliveries.remember(request.tenantId(), key, hash, id, now, notBefore);
        return new Sent.Accepted(id, fanOut);
    }

    /**
     * Sends one of Switchboard's own {@code switchboard.*} events, inside the caller's transaction
     * (it commits with the state change it reports). No schema check: a tenant's schema for that
     * type must never make the state change itself fail. Returns the message id.
     */
    String emit(String tenantId, String eventType, byte[] payload, Instant now) {
        String id = Ids.next("msg");
        publisher.publish(id, tenantId, eventType, payload, null, now);
        return id;
    }

    /**
     * Forwards an inbound event as a message of its type, inside the caller's transaction (the one
     * that marks the event processed). Nobody subscribed: no message, and the payload is never
     * built. Unverified events go only to endpoints that name their type. Each tenant's and type's
     * subscribers are looked up once per {@code batch}, and its rows are written by {@link #flush}.
     * Returns the fan-out.
     */
    int forward(
            String inboundEventId,
            String tenantId,
            String eventType,
            String canonicalType,
            boolean verified,
            java.util.function.Supplier<byte[]> payload,
            String orderingKey,
            String provider,
            Instant now,
            Publisher.Batch batch) {
        int fanOut = publisher.publishIfSubscribed(
                Ids.next("msg"),
                inboundEventId,
                tenantId,
                eventType,
                canonicalType,
                !verified,
                payload,
                orderingKey,
                provider,
                now,
                batch);
        return fanOut;
    }

    /**
     * Writes the messages and deliveries {@link #forward} added to {@code batch}, in the caller's
     * transaction; the delivery engine is woken when there are any (it claims them once they commit).
     */
    void flush(Publisher.Batch batch) {
        boolean any = batch.deliveries() > 0;
        publisher.flush(batch);
        if (!any) return;
        // Woken before the commit, the engine would claim nothing and sleep a poll interval.
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            engine.getObject().wake();
                        }
                    });
        } else {
            engine.getObject().wake();
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
