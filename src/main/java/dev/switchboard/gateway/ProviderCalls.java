package dev.switchboard.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.calllog.CallLog;
import dev.switchboard.connections.ConnectionAccess;
import dev.switchboard.egress.BoundedCalls;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one request to a provider's API with a connection's credentials: only below the connection's
 * base URL, through the egress client its guard calls for, under one deadline on the whole call, the
 * answer read up to a bound. Used by the outbox worker and the proxy; the limiter is asked before.
 *
 * <p>Errors: {@link dev.switchboard.common.ApiException} from connections (404 unknown, 409
 * {@code invalid_state} when not active); {@link IOException} for a network error or the deadline.
 */
@Component
class ProviderCalls {

    /** The default deadline; {@link #deadline()} is the one in force ({@code switchboard.gateway.deadline}). */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    /** The default bound on an answer read; the one in force is {@code switchboard.gateway.max-response-bytes}. */
    static final int MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ProviderCalls.class);

    /** Headers a caller may not set: hop-by-hop, and the credentials this gateway applies itself. */
    static final Set<String> STRIPPED = Set.of(
            "authorization",
            "proxy-authorization",
            "cookie",
            "host",
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "content-length",
            "expect");

    enum Origin {
        OUTBOX,
        PROXY
    }

    /**
     * {@code path} is relative to the connection's base URL and already checked; {@code query} is raw,
     * or null; {@code actor} is the id of the API key that caused the call (the call log shows it as
     * {@code key:<id>}, like every other call), or null.
     */
    record Request(
            String tenantId,
            String connectionId,
            String method,
            String path,
            String query,
            Map<String, List<String>> headers,
            byte[] body,
            String idempotencyKey,
            Origin origin,
            String actor,
            String requestId) {}

    record Response(int status, List<Header> headers, byte[] body, boolean truncated, Duration latency) {}

    private final ConnectionAccess connections;
    private final CallLog callLog;
    private final Clock clock;
    private final Duration deadline;
    private final int maxResponseBytes;
    /** When this node last moved each connection's {@code lastActivityAt}: at most once a second each. */
    private final Cache<String, Instant> touched = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    ProviderCalls(ConnectionAccess connections, CallLog callLog, Clock clock, GatewayProperties properties) {
        this.connections = connections;
        this.callLog = callLog;
        this.clock = clock;
        this.deadline = properties.deadline();
        this.maxResponseBytes = properties.maxResponseBytes();
    }

    /** The deadline on each call ({@code switchboard.gateway.deadline}, 30 s by default). */
    Duration deadline() {
        return deadline;
    }

    /**
     * A request made ready to send: the connection's credentials applied (its OAuth token refreshed
     * first when due). Nothing is sent and no limiter token taken: callers prepare before they take
     * a token, so a connection that is not active ({@code invalid_state}) or gone (404) costs none.
     */
    record Ready(Request request, ConnectionAccess.Prepared prepared, String target) {}

    /** Prepares the request; {@link dev.switchboard.common.ApiException} when the connection cannot be used now. */
    Ready prepare(Request r) {
        String target = r.query() == null || r.query().isEmpty() ? r.path() : r.path() + "?" + r.query();
        // Only the synchronous proxy may use this node's last-second copy of the connection row.
        var prepared =
                connections.prepare(r.tenantId(), r.connectionId(), r.method(), target, r.origin() == Origin.PROXY);
        var request = prepared.request();
        String contentType = null;
        for (var e : r.headers().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (STRIPPED.contains(name) || request.containsHeader(e.getKey())) continue;
            if (name.equals("content-type")) {
                contentType = e.getValue().isEmpty() ? null : e.getValue().get(0);
                continue;
            }
            for (String v : e.getValue()) request.addHeader(e.getKey(), v);
        }
        // Only where the provider declares it de-duplicates by a key: elsewhere it is noise at best.
        if (r.idempotencyKey() != null && prepared.idempotencyHeader() != null) {
            request.setHeader(prepared.idempotencyHeader(), r.idempotencyKey());
        }
        if (r.body() != null && r.body().length > 0) {
            request.setEntity(new ByteArrayEntity(
                    r.body(), contentType == null ? ContentType.APPLICATION_JSON : ContentType.parse(contentType)));
        }
        return new Ready(r, prepared, target);
    }

    /** Prepares and sends at once (no limiter involved). */
    Response send(Request r) throws IOException {
        return send(prepare(r));
    }

    /**
     * Sends a prepared request; records it in the call log and as the connection's last activity,
     * whether it was answered or failed on the way.
     */
    Response send(Ready ready) throws IOException {
        Request r = ready.request();
        var prepared = ready.prepared();
        String target = ready.target();
        Instant at = clock.instant();
        long started = System.nanoTime();
        long requestBytes = r.body() == null ? 0 : r.body().length;
        Response response;
        try {
            response = BoundedCalls.call(prepared.client(), prepared.request(), deadline, answer -> {
                byte[] body = new byte[0];
                boolean truncated = false;
                if (answer.getEntity() != null) {
                    try (var in = answer.getEntity().getContent()) {
                        body = in.readNBytes(maxResponseBytes);
                        truncated = in.read() >= 0;
                    }
                }
                return new Response(
                        answer.getCode(),
                        new ArrayList<>(List.of(answer.getHeaders())),
                        body,
                        truncated,
                        Duration.ofNanos(System.nanoTime() - started));
            });
        } catch (IOException e) {
            record(ready, null, started, requestBytes, null, error(e), at);
            activity(r, at);
            throw e;
        }
        record(ready, response.status(), started, requestBytes, response, null, at);
        activity(r, at);
        return response;
    }

    private void record(
            Ready ready, Integer status, long started, long requestBytes, Response response, String error, Instant at) {
        Request r = ready.request();
        // Bodies only for a connection that opted in; the call log redacts and cuts them.
        boolean bodies = ready.prepared().storeCallBodies();
        try {
            callLog.record(new CallLog.Call(
                    r.tenantId(),
                    r.connectionId(),
                    ready.prepared().provider(),
                    r.origin() == Origin.PROXY ? CallLog.Origin.PROXY : CallLog.Origin.OUTBOX,
                    r.method(),
                    ready.target(),
                    status,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    requestBytes,
                    response == null ? 0 : response.body().length,
                    error,
                    CallLog.keyActor(r.actor()),
                    r.requestId(),
                    at,
                    bodies ? (r.body() == null ? new byte[0] : r.body()) : null,
                    bodies && response != null ? response.body() : null));
        } catch (RuntimeException e) {
            log.warn("Could not record a provider call of connection {}: {}", r.connectionId(), e.toString());
        }
    }

    private void activity(Request r, Instant at) {
        Instant last = touched.getIfPresent(r.connectionId());
        if (last != null && Duration.between(last, at).compareTo(Duration.ofSeconds(1)) < 0) return;
        touched.put(r.connectionId(), at);
        try {
            connections.recordActivity(r.tenantId(), r.connectionId(), at);
        } catch (RuntimeException e) {
            log.warn("Could not record activity of connection {}: {}", r.connectionId(), e.toString());
        }
    }

    /** What went wrong, without the exception's message (it may carry the URL and its query). */
    private static String error(IOException e) {
        return e instanceof java.net.SocketTimeoutException
                ? "timeout"
                : "network: " + e.getClass().getSimpleName();
    }
}
