package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import dev.switchboard.vault.Secret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Tag(name = "Outbound endpoints")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/endpoints")
class EndpointController {

    record CreateEndpoint(
            @NotBlank @Size(max = 2000) String url,
            @Size(max = 1000) String description,

            @Size(max = 100)
            List<@NotBlank @jakarta.validation.constraints.Pattern(regexp = EventTypeController.NAME) String>
                    eventTypes,

            @Size(max = 20) Map<String, String> headers,
            JsonNode filter,
            @Min(1) @Max(100_000) Integer rateLimitPerSecond,
            @Min(1) @Max(1_000) Integer maxConcurrency,
            Boolean ordered,

            @jakarta.validation.constraints.Pattern(regexp = FORMAT, message = FORMAT_MESSAGE)
            String format,

            Boolean disabled) {}

    /**
     * Null or absent fields stay as they are; {@code "filter": null} removes the filter, and 0
     * removes a rate limit or concurrency cap.
     */
    record UpdateEndpoint(
            @Size(max = 2000) String url,
            @Size(max = 1000) String description,

            @Size(max = 100)
            List<@NotBlank @jakarta.validation.constraints.Pattern(regexp = EventTypeController.NAME) String>
                    eventTypes,

            @Size(max = 20) Map<String, String> headers,
            JsonNode filter,
            @Min(0) @Max(100_000) Integer rateLimitPerSecond,
            @Min(0) @Max(1_000) Integer maxConcurrency,
            Boolean ordered,

            @jakarta.validation.constraints.Pattern(regexp = FORMAT, message = FORMAT_MESSAGE)
            String format,

            Boolean disabled) {}

    static final String FORMAT = "standard-webhooks|cloudevents-structured|cloudevents-binary";
    static final String FORMAT_MESSAGE = "must be standard-webhooks, cloudevents-structured or cloudevents-binary";
    /** What a response shows instead of a static header's value. */
    static final String REDACTED = "[redacted]";

    record RotateSecret(@Min(0) @Max(604_800) Long graceSeconds) {}

    record Recover(@jakarta.validation.constraints.NotNull String since) {}

    record Recovered(int requeued) {}

    record TestSent(String messageId) {}

    /** The last 24 hours; latencies in milliseconds, over at most the latest 10,000 attempts. */
    record Stats(
            int attempts, int succeeded, int failed, Double successRate, Integer p50LatencyMs, Integer p95LatencyMs) {}

    record SecretView(String key) {
        @Override
        public String toString() {
            return "SecretView[redacted]";
        }
    }

    /**
     * An endpoint as shown; {@code secret} only in the response that created it or rotated to it.
     * Static header values are never shown: they are often credentials.
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

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String secret) {
        @Override
        public String toString() {
            return "EndpointView[id=" + id + "]";
        }
    }

    private EndpointView view(Endpoint e, String secret) {
        Map<String, String> headers = new java.util.TreeMap<>();
        e.headerNames().forEach(name -> headers.put(name, REDACTED));
        return new EndpointView(
                e.id(),
                e.tenantId(),
                e.url(),
                e.description(),
                e.eventTypes(),
                headers,
                e.filter() == null ? null : json.readTree(e.filter()),
                e.rateLimitPerSecond(),
                e.maxConcurrency(),
                e.ordered(),
                e.format(),
                !e.status().equals("active"),
                e.disabledReason(),
                e.previousSecretExpiresAt(),
                e.createdAt(),
                e.updatedAt(),
                secret);
    }

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    /** Headers Switchboard sets itself; an endpoint may not replace them. */
    private static final Set<String> RESERVED = Set.of(
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "content-type",
            "content-length",
            "host",
            "user-agent",
            "transfer-encoding",
            "connection");

    private final EndpointRepository endpoints;
    private final UrlGuard guard;
    private final TenantAccess access;
    private final TransactionTemplate tx;
    private final DeliveryEngine engine;
    private final DeliveryRepository deliveries;
    private final OperationalEvents events;
    private final Publisher publisher;
    private final JsonMapper json;
    private final Clock clock;

    EndpointController(
            EndpointRepository endpoints,
            UrlGuards guards,
            TenantAccess access,
            TransactionTemplate tx,
            DeliveryEngine engine,
            DeliveryRepository deliveries,
            OperationalEvents events,
            Publisher publisher,
            JsonMapper json,
            Clock clock) {
        this.publisher = publisher;
        this.json = json;
        this.deliveries = deliveries;
        this.events = events;
        this.endpoints = endpoints;
        this.guard = guards.tenant(); // the URLs checked here are the tenant's
        this.access = access;
        this.tx = tx;
        this.engine = engine;
        this.clock = clock;
    }

    @Operation(summary = "Create an endpoint; the response is the only one that shows its signing secret")
    @PostMapping
    ResponseEntity<EndpointView> create(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @Valid @RequestBody CreateEndpoint body) {
        access.write(caller, tenant);
        checkUrl(body.url());
        Map<String, String> headers = checkHeaders(body.headers());
        String filter = filterText(body.filter());
        Instant now = Sql.now(clock);
        boolean disabled = Boolean.TRUE.equals(body.disabled());
        Endpoint e = new Endpoint(
                Ids.next("ep"),
                tenant,
                body.url(),
                body.description(),
                body.eventTypes() == null ? List.of() : List.copyOf(checkTypes(body.eventTypes())),
                List.copyOf(new java.util.TreeSet<>(headers.keySet())),
                filter,
                body.rateLimitPerSecond(),
                body.maxConcurrency(),
                Boolean.TRUE.equals(body.ordered()),
                body.format() == null ? "standard-webhooks" : body.format(),
                disabled ? "disabled" : "active",
                disabled ? "created disabled" : null,
                null,
                now,
                now);
        Secret secret = WebhookSigner.newSecret();
        endpoints.insert(e, headers, secret);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/endpoints/" + e.id()))
                .body(view(e, secret.reveal()));
    }

    @Operation(summary = "List endpoints")
    @GetMapping
    Page<EndpointView> list(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        access.read(caller, tenant);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(endpoints.page(tenant, page), page, e -> new Cursor(e.createdAt(), e.id()))
                .map(e -> view(e, null));
    }

    @Operation(summary = "Get an endpoint")
    @GetMapping("/{id}")
    EndpointView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.read(caller, tenant);
        return view(find(tenant, id), null);
    }

    @Operation(summary = "Change an endpoint; disabling pauses its deliveries, enabling resumes them")
    @PatchMapping("/{id}")
    EndpointView update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @Valid @RequestBody UpdateEndpoint body) {
        access.write(caller, tenant);
        find(tenant, id);
        if (body.url() != null) checkUrl(body.url());
        Map<String, String> headers = body.headers() == null ? null : keepRedacted(tenant, id, body.headers());
        boolean clearFilter = body.filter() != null && body.filter().isNull();
        var change = new EndpointRepository.Change(
                body.url(),
                body.description(),
                checkTypes(body.eventTypes()),
                headers,
                clearFilter ? null : filterText(body.filter()),
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
        return view(find(tenant, id), null);
    }

    @Operation(summary = "Delete an endpoint: nothing more is sent to it and its secrets are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        if (!endpoints.delete(tenant, id, Sql.now(clock))) throw ApiException.notFound("endpoint");
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "The endpoint's signing secret (tenant admins)")
    @GetMapping("/{id}/secret")
    SecretView secret(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        find(tenant, id);
        return new SecretView(
                endpoints.signingSecrets(tenant, id, Sql.now(clock)).getFirst().reveal());
    }

    @Operation(summary = "Rotate the signing secret; deliveries carry both signatures for graceSeconds (default 86400)")
    @PostMapping("/{id}/secret/rotate")
    EndpointView rotate(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @Valid @RequestBody(required = false) RotateSecret body) {
        access.write(caller, tenant);
        find(tenant, id);
        long grace = body == null || body.graceSeconds() == null ? 86_400 : body.graceSeconds();
        Instant now = Sql.now(clock);
        Secret next = WebhookSigner.newSecret();
        tx.executeWithoutResult(s -> endpoints.rotate(tenant, id, next, now.plus(Duration.ofSeconds(grace)), now));
        return view(find(tenant, id), next.reveal());
    }

    @Operation(summary = "Queue every failed delivery since a time again (e.g. after the customer fixed their server)")
    @PostMapping("/{id}/recover")
    Recovered recover(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @Valid @RequestBody Recover body) {
        access.write(caller, tenant);
        Endpoint e = find(tenant, id);
        Instant since = Timestamps.parse("since", body.since());
        int n = deliveries.recover(tenant, id, since, !e.status().equals("active"), Sql.now(clock));
        engine.wake();
        return new Recovered(n);
    }

    @Operation(summary = "Send a signed test event (type switchboard.test) to this endpoint only")
    @PostMapping("/{id}/test")
    ResponseEntity<TestSent> test(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Endpoint e = find(tenant, id);
        Instant now = Sql.now(clock);
        String messageId = Ids.next("msg");
        byte[] payload = "{\"message\":\"A test event from Switchboard\"}".getBytes(StandardCharsets.UTF_8);
        tx.executeWithoutResult(s -> publisher.publishTo(e, messageId, "switchboard.test", payload, now));
        engine.wake();
        return ResponseEntity.accepted().body(new TestSent(messageId));
    }

    @Operation(summary = "Success rate and latency over the last 24 hours")
    @GetMapping("/{id}/stats")
    Stats stats(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.read(caller, tenant);
        find(tenant, id);
        var recent = deliveries.recentOutcomes(tenant, id, Sql.now(clock).minus(Duration.ofHours(24)), 10_000);
        int ok = (int) recent.stream().filter(r -> r.getKey().equals("SUCCESS")).count();
        int[] latencies = recent.stream().mapToInt(Map.Entry::getValue).sorted().toArray();
        return new Stats(
                recent.size(),
                ok,
                recent.size() - ok,
                recent.isEmpty() ? null : (double) ok / recent.size(),
                latencies.length == 0
                        ? null
                        : latencies[(int) Math.min(latencies.length - 1, Math.floor(0.50 * latencies.length))],
                latencies.length == 0
                        ? null
                        : latencies[(int) Math.min(latencies.length - 1, Math.floor(0.95 * latencies.length))]);
    }

    private Endpoint find(String tenant, String id) {
        return endpoints.find(tenant, id).orElseThrow(() -> ApiException.notFound("endpoint"));
    }

    private void checkUrl(String url) {
        try {
            guard.check(url);
        } catch (BlockedDestinationException e) {
            throw ApiException.invalid("url", "is not allowed: " + e.getMessage());
        }
    }

    /** The list as stored: at most 8000 characters of JSON. */
    private List<String> checkTypes(List<String> types) {
        if (types != null && json.writeValueAsString(types).length() > 8000) {
            throw ApiException.invalid("eventTypes", "must be at most 8000 characters together");
        }
        return types;
    }

    private String filterText(JsonNode filter) {
        if (filter == null) return null;
        Filter.parse("filter", filter);
        String text = json.writeValueAsString(filter);
        if (text.length() > 8000) throw ApiException.invalid("filter", "must be at most 8000 characters");
        return text;
    }

    /**
     * Headers as sent back after a GET carry {@value #REDACTED} for values: those keep their stored
     * value, so a client can change one header without knowing the others.
     */
    private Map<String, String> keepRedacted(String tenant, String id, Map<String, String> sent) {
        if (!sent.containsValue(REDACTED)) return checkHeaders(sent);
        Map<String, String> current = endpoints.headers(tenant, id);
        Map<String, String> merged = new java.util.HashMap<>();
        for (var h : sent.entrySet()) {
            if (!REDACTED.equals(h.getValue())) merged.put(h.getKey(), h.getValue());
            else if (current.containsKey(h.getKey())) merged.put(h.getKey(), current.get(h.getKey()));
            else throw ApiException.invalid("headers." + h.getKey(), "has no stored value to keep");
        }
        return checkHeaders(merged);
    }

    private static Integer zeroIsNull(Integer value) {
        return value == null || value == 0 ? null : value;
    }

    private static Map<String, String> checkHeaders(Map<String, String> headers) {
        if (headers == null) return Map.of();
        for (var h : headers.entrySet()) {
            String name = h.getKey();
            if (!HEADER_NAME.matcher(name).matches())
                throw ApiException.invalid("headers." + name, "is not a header name");
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalid("headers." + name, "is set by Switchboard and cannot be replaced");
            }
            String value = h.getValue();
            if (value == null
                    || value.length() > 1000
                    || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw ApiException.invalid("headers." + name, "must be a single line of at most 1000 characters");
            }
        }
        return Map.copyOf(headers);
    }
}
