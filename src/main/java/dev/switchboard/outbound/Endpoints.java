package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import dev.switchboard.tenancy.TenantLimits;
import dev.switchboard.vault.Secret;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's endpoints: the use cases behind the endpoints API (create, change, rotate the secret,
 * recover failed deliveries, send a test event, stats). Every method is scoped to one tenant;
 * another tenant's endpoint is "no such endpoint".
 */
@Service
class Endpoints {

    static final String FORMAT = "standard-webhooks|cloudevents-structured|cloudevents-binary";
    static final String FORMAT_MESSAGE = "must be standard-webhooks, cloudevents-structured or cloudevents-binary";

    record CreateEndpoint(
            @NotBlank @Size(max = 2000) String url,
            @Size(max = 1000) String description,
            @Size(max = 100) List<@NotBlank @Pattern(regexp = EventTypeController.NAME) String> eventTypes,
            @Size(max = 20) Map<String, String> headers,
            JsonNode filter,
            @Min(1) @Max(100_000) Integer rateLimitPerSecond,
            @Min(1) @Max(1_000) Integer maxConcurrency,
            Boolean ordered,

            @Pattern(regexp = FORMAT, message = FORMAT_MESSAGE)
            String format,

            Boolean disabled) {}

    /**
     * Null or absent fields stay as they are; {@code "filter": null} removes the filter, and 0
     * removes a rate limit or concurrency cap.
     */
    record UpdateEndpoint(
            @Size(max = 2000) String url,
            @Size(max = 1000) String description,
            @Size(max = 100) List<@NotBlank @Pattern(regexp = EventTypeController.NAME) String> eventTypes,
            @Size(max = 20) Map<String, String> headers,
            JsonNode filter,
            @Min(0) @Max(100_000) Integer rateLimitPerSecond,
            @Min(0) @Max(1_000) Integer maxConcurrency,
            Boolean ordered,

            @Pattern(regexp = FORMAT, message = FORMAT_MESSAGE)
            String format,

            Boolean disabled) {}

    /** An endpoint with the signing secret just made for it. */
    record WithSecret(Endpoint endpoint, Secret secret) {}

    /** The last 24 hours; latencies in milliseconds. */
    record Stats(
            int attempts, int succeeded, int failed, Double successRate, Integer p50LatencyMs, Integer p95LatencyMs) {}

    private final EndpointRepository endpoints;
    private final EndpointInput input;
    private final EventTypeRepository types;
    private final DeliveryRepository deliveries;
    private final DeliveryEngine engine;
    private final OperationalEvents events;
    private final Publisher publisher;
    private final TenantLimits limits;
    private final TransactionTemplate tx;
    private final Clock clock;

    Endpoints(
            EndpointRepository endpoints,
            EndpointInput input,
            EventTypeRepository types,
            DeliveryRepository deliveries,
            DeliveryEngine engine,
            OperationalEvents events,
            Publisher publisher,
            TenantLimits limits,
            TransactionTemplate tx,
            Clock clock) {
        this.endpoints = endpoints;
        this.input = input;
        this.types = types;
        this.deliveries = deliveries;
        this.engine = engine;
        this.events = events;
        this.publisher = publisher;
        this.limits = limits;
        this.tx = tx;
        this.clock = clock;
    }

    Endpoint find(String tenant, String id) {
        return endpoints.find(tenant, id).orElseThrow(() -> ApiException.notFound("endpoint"));
    }

    List<Endpoint> page(String tenant, PageRequest page) {
        return endpoints.page(tenant, page);
    }

    /** The event types a new endpoint can subscribe to: the tenant's registered, not deprecated ones. */
    List<String> eventTypeChoices(String tenant, int limit) {
        return types.page(tenant, new PageRequest(limit, null)).stream()
                .filter(t -> !t.deprecated())
                .map(EventTypeRepository.EventType::name)
                .limit(limit)
                .sorted()
                .toList();
    }

    WithSecret create(String tenant, CreateEndpoint body) {
        input.checkUrl(body.url());
        Map<String, String> headers = EndpointInput.checkHeaders(body.headers());
        String filter = input.filterText(body.filter());
        Instant now = Sql.now(clock);
        boolean disabled = Boolean.TRUE.equals(body.disabled());
        Endpoint e = new Endpoint(
                Ids.next("ep"),
                tenant,
                body.url(),
                body.description(),
                body.eventTypes() == null ? List.of() : List.copyOf(input.checkTypes(body.eventTypes())),
                List.copyOf(new TreeSet<>(headers.keySet())),
                filter,
                body.rateLimitPerSecond(),
                body.maxConcurrency(),
                Boolean.TRUE.equals(body.ordered()),
                body.format() == null ? "standard-webhooks" : body.format(),
                disabled ? Endpoint.Status.DISABLED : Endpoint.Status.ACTIVE,
                disabled ? "created disabled" : null,
                null,
                now,
                now);
        Secret secret = WebhookSigner.newSecret();
        limits.withinLimit(
                tenant,
                TenantLimits.Kind.ENDPOINTS,
                () -> endpoints.countLive(tenant),
                () -> endpoints.insert(e, headers, secret));
        return new WithSecret(e, secret);
    }

    Endpoint update(String tenant, String id, UpdateEndpoint body) {
        find(tenant, id);
        if (body.url() != null) input.checkUrl(body.url());
        Map<String, String> headers =
                body.headers() == null ? null : input.keepRedacted(body.headers(), () -> endpoints.headers(tenant, id));
        boolean clearFilter = body.filter() != null && body.filter().isNull();
        var change = new EndpointRepository.Change(
                body.url(),
                body.description(),
                input.checkTypes(body.eventTypes()),
                headers,
                clearFilter ? null : input.filterText(body.filter()),
                clearFilter,
                zeroIsNull(body.rateLimitPerSecond()),
                Integer.valueOf(0).equals(body.rateLimitPerSecond()),
                zeroIsNull(body.maxConcurrency()),
                Integer.valueOf(0).equals(body.maxConcurrency()),
                body.ordered(),
                body.format());
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            endpoints.update(tenant, id, change, now);
            if (body.disabled() != null
                    && endpoints.setEnabled(tenant, id, !body.disabled(), "disabled through the API", now)) {
                events.emit(
                        tenant,
                        body.disabled() ? OperationalEvents.ENDPOINT_DISABLED : OperationalEvents.ENDPOINT_ENABLED,
                        body.disabled()
                                ? Map.of("endpointId", id, "reason", "disabled through the API")
                                : Map.of("endpointId", id),
                        now);
            }
        });
        if (Boolean.FALSE.equals(body.disabled())) engine.wake();
        return find(tenant, id);
    }

    void delete(String tenant, String id) {
        if (!endpoints.delete(tenant, id, Sql.now(clock))) throw ApiException.notFound("endpoint");
    }

    Secret secret(String tenant, String id) {
        find(tenant, id);
        return endpoints.signingSecrets(tenant, id, Sql.now(clock)).getFirst();
    }

    WithSecret rotate(String tenant, String id, Long graceSeconds) {
        find(tenant, id);
        long grace = graceSeconds == null ? 86_400 : graceSeconds;
        Instant now = Sql.now(clock);
        Secret next = WebhookSigner.newSecret();
        tx.executeWithoutResult(s -> endpoints.rotate(tenant, id, next, now.plus(Duration.ofSeconds(grace)), now));
        return new WithSecret(find(tenant, id), next);
    }

    /** Queues every failed delivery since a time again; returns how many. */
    int recover(String tenant, String id, String since) {
        Endpoint e = find(tenant, id);
        Instant from = Timestamps.parse("since", since);
        int n = deliveries.recover(tenant, id, from, !e.active(), Sql.now(clock));
        engine.wake();
        return n;
    }

    /** Sends a signed {@code switchboard.test} event to this endpoint only; returns its message id. */
    String sendTest(String tenant, String id) {
        Endpoint e = find(tenant, id);
        Instant now = Sql.now(clock);
        String messageId = Ids.next("msg");
        byte[] payload = "{\"message\":\"A test event from Switchboard\"}".getBytes(StandardCharsets.UTF_8);
        tx.executeWithoutResult(s -> publisher.publishTo(e, messageId, "switchboard.test", payload, now));
        engine.wake();
        return messageId;
    }

    /** The endpoint's attempts, newest first. */
    List<DeliveryRepository.Attempt> attempts(String tenant, String id, PageRequest page) {
        find(tenant, id);
        return deliveries.attemptsOfEndpoint(tenant, id, null, null, page);
    }

    /** Attempts in the last 24 hours and the latest attempt's time, per endpoint of the tenant. */
    Map<String, DeliveryRepository.EndpointActivity> activity(String tenant, List<String> ids) {
        return deliveries.activity(tenant, ids, Sql.now(clock).minus(Duration.ofHours(24)));
    }

    /**
     * Counted and ranked in the database over the whole window (no longer the latest 10,000 attempts
     * loaded into memory). A percentile is the latency at rank floor(p × n) of the n sorted latencies.
     */
    Stats stats(String tenant, String id) {
        find(tenant, id);
        Instant since = Sql.now(clock).minus(Duration.ofHours(24));
        var counted = deliveries.outcomesSince(tenant, id, since);
        int n = (int) counted.attempts();
        int ok = (int) counted.succeeded();
        if (n == 0) return new Stats(0, 0, 0, null, null, null);
        var latencies = deliveries.latencyRanksSince(tenant, id, since, List.of(rank(n, 0.50), rank(n, 0.95)));
        return new Stats(n, ok, n - ok, (double) ok / n, latencies.get(0), latencies.get(1));
    }

    private static long rank(int n, double p) {
        return (long) Math.min(n - 1, Math.floor(p * n));
    }

    private static Integer zeroIsNull(Integer value) {
        return value == null || value == 0 ? null : value;
    }
}
