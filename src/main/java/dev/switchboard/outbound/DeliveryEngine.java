package dev.switchboard.outbound;

import dev.switchboard.common.Claims;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers messages to endpoints. Due deliveries are claimed from the database with one
 * SKIP LOCKED statement and leased, so a crashed node's deliveries are taken over when the lease
 * ends; each is sent on a virtual thread (at most {@code concurrency} at once), signed to the
 * Standard Webhooks spec, and its attempt, outcome and next try are written in one transaction.
 */
@Component
class DeliveryEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    static final String USER_AGENT = "Switchboard/0.1";

    private final Claims claims;
    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final CloseableHttpClient http;
    private final OutboundProperties properties;
    private final OperationalEvents events;
    private final RetryPolicy policy = RetryPolicy.DEFAULT;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final Semaphore inFlight;
    private final PollingWorker worker;
    private volatile ExecutorService executor;

    DeliveryEngine(
            Claims claims,
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            OperationalEvents events,
            CloseableHttpClient http,
            OutboundProperties properties,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.events = events;
        this.claims = claims;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.http = http;
        this.properties = properties;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.inFlight = new Semaphore(properties.concurrency());
        this.worker = new PollingWorker("outbound-delivery", properties.pollInterval(), 1, this::runOnce);
    }

    void wake() {
        worker.wake();
    }

    /** Claims as many due deliveries as there are free slots and starts them; returns how many. */
    int runOnce() {
        int free = Math.min(properties.batchSize(), inFlight.availablePermits());
        if (free == 0) return 0;
        Instant now = Sql.now(clock);
        List<String> ids = claims.claim(
                "deliveries",
                "status = 'pending' AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until <= :now)",
                "next_attempt_at",
                "locked_until = :lease",
                Map.of("now", Sql.ts(now), "lease", Sql.ts(now.plus(properties.lease()))),
                free);
        for (DeliveryRepository.Due due : deliveries.loadDue(ids)) {
            inFlight.acquireUninterruptibly();
            executor.submit(() -> {
                try {
                    deliver(due);
                } catch (RuntimeException e) {
                    // The lease runs out and the delivery is claimed again: nothing is lost.
                    log.warn("Delivery {} failed unexpectedly", due.id(), e);
                } finally {
                    inFlight.release();
                    worker.wake();
                }
            });
        }
        return ids.size();
    }

    private void deliver(DeliveryRepository.Due d) {
        Instant now = Sql.now(clock);
        if (!d.endpointStatus().equals("active")) {
            boolean deleted = d.endpointStatus().equals("deleted");
            deliveries.finish(
                    d.id(),
                    deleted ? "failed" : "paused",
                    d.attempts(),
                    null,
                    null,
                    deleted ? "endpoint deleted" : null,
                    now);
            return;
        }
        byte[] body = body(d);
        List<dev.switchboard.vault.Secret> secrets = endpoints.signingSecrets(d.tenantId(), d.endpointId(), now);
        HttpPost post = new HttpPost(d.url());
        json.readValue(d.headersJson(), new TypeReference<Map<String, String>>() {})
                .forEach(post::setHeader);
        long timestamp = now.getEpochSecond();
        post.setHeader("webhook-id", d.messageId());
        post.setHeader("webhook-timestamp", String.valueOf(timestamp));
        post.setHeader("webhook-signature", WebhookSigner.signatures(d.messageId(), timestamp, body, secrets));
        post.setHeader("User-Agent", USER_AGENT);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));

        Integer code = null;
        String excerpt = null;
        String error = null;
        Optional<Duration> retryAfter = Optional.empty();
        RetryPolicy.Outcome outcome;
        long started = System.nanoTime();
        try (ClassicHttpResponse response = http.executeOpen(null, post, null)) {
            code = response.getCode();
            var header = response.getFirstHeader("Retry-After");
            retryAfter = RetryPolicy.parseRetryAfter(header == null ? null : header.getValue(), now);
            excerpt = excerpt(response);
            outcome = RetryPolicy.Outcome.of(code);
        } catch (BlockedDestinationException e) {
            outcome = RetryPolicy.Outcome.NETWORK_ERROR;
            error = "blocked by the SSRF guard: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            outcome = RetryPolicy.Outcome.TIMEOUT;
            error = "timed out after " + properties.timeout();
        } catch (IOException e) {
            outcome = RetryPolicy.Outcome.NETWORK_ERROR;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        int attempts = d.attempts() + 1;
        Instant finished = Sql.now(clock);
        var attempt = new DeliveryRepository.Attempt(
                null, d.messageId(), d.endpointId(), now, outcome.name(), code, latency, excerpt, clip(error));
        RetryPolicy.Outcome result = outcome;
        Integer status = code;
        String failure = clip(
                error != null ? error : code != null && result != RetryPolicy.Outcome.SUCCESS ? "HTTP " + code : null);
        Optional<Duration> wait = retryAfter;
        tx.executeWithoutResult(s -> complete(d, attempt, result, attempts, status, failure, wait, finished));
    }

    /**
     * Records an attempt and what follows from it, in one transaction: the delivery's new state, the
     * endpoint's run of failures (disabling it after {@code disableAfter} without a success), and the
     * operational events that report it.
     */
    private void complete(
            DeliveryRepository.Due d,
            DeliveryRepository.Attempt attempt,
            RetryPolicy.Outcome result,
            int attempts,
            Integer status,
            String failure,
            Optional<Duration> retryAfter,
            Instant now) {
        deliveries.recordAttempt(Ids.next("att"), d, attempt);
        boolean report = OperationalEvents.reportable(d.eventType());
        Map<String, Object> about = new java.util.LinkedHashMap<>();
        about.put("messageId", d.messageId());
        about.put("endpointId", d.endpointId());
        about.put("eventType", d.eventType());
        about.put("attempts", attempts);
        about.put("lastStatusCode", status);
        if (result == RetryPolicy.Outcome.SUCCESS) {
            deliveries.finish(d.id(), "succeeded", attempts, null, status, null, now);
            endpoints.succeeded(d.endpointId());
            if (report && attempts > OperationalEvents.FAILING_AFTER) {
                events.emit(d.tenantId(), OperationalEvents.ATTEMPT_RECOVERED, about, now);
            }
            return;
        }
        if (result == RetryPolicy.Outcome.GONE) {
            disable(d, "the receiver answered 410 Gone", now);
            deliveries.finish(d.id(), "paused", attempts, null, status, failure, now);
            return;
        }
        Instant failingSince = endpoints.failing(d.endpointId(), now);
        if (Duration.between(failingSince, now).compareTo(properties.disableAfter()) >= 0) {
            disable(d, "failing without a success since " + failingSince, now);
            deliveries.finish(d.id(), "paused", attempts, null, status, failure, now);
            return;
        }
        var next = policy.next(
                attempts, result, retryAfter, ThreadLocalRandom.current().nextDouble());
        deliveries.finish(
                d.id(),
                next.isPresent() ? "pending" : "failed",
                attempts,
                next.map(now::plus).orElse(null),
                status,
                failure,
                now);
        if (!report) return;
        if (next.isEmpty()) events.emit(d.tenantId(), OperationalEvents.ATTEMPT_EXHAUSTED, about, now);
        else if (attempts == OperationalEvents.FAILING_AFTER)
            events.emit(d.tenantId(), OperationalEvents.ATTEMPT_FAILING, about, now);
    }

    private void disable(DeliveryRepository.Due d, String reason, Instant now) {
        if (endpoints.setEnabled(d.tenantId(), d.endpointId(), false, reason, now)) {
            events.emit(
                    d.tenantId(),
                    OperationalEvents.ENDPOINT_DISABLED,
                    Map.of("endpointId", d.endpointId(), "reason", reason),
                    now);
        }
    }

    /** The Standard Webhooks payload shape: {@code {"type", "timestamp", "data"}}. */
    private byte[] body(DeliveryRepository.Due d) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("type", d.eventType());
        envelope.put("timestamp", d.messageCreatedAt().toString());
        envelope.set("data", json.readTree(d.payload()));
        return json.writeValueAsBytes(envelope);
    }

    /** At most responseExcerptBytes of the body, read (after decompression) without reading the rest. */
    private String excerpt(ClassicHttpResponse response) throws IOException {
        if (response.getEntity() == null || properties.responseExcerptBytes() == 0) return null;
        try (InputStream in = response.getEntity().getContent()) {
            byte[] bytes = in.readNBytes(properties.responseExcerptBytes());
            // A receiver's bytes go into a text column: PostgreSQL refuses NUL, so it becomes U+FFFD.
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        }
    }

    private static String clip(String s) {
        if (s == null) return null;
        String clean = s.replace('\0', '\uFFFD');
        return clean.length() <= 2000 ? clean : clean.substring(0, 2000);
    }

    @Override
    public void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        if (properties.enabled()) worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
        ExecutorService e = executor;
        if (e != null) e.close(); // waits for in-flight deliveries, each bounded by the timeout
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
