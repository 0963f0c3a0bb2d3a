package dev.switchboard.gateway;

import dev.switchboard.connections.ConnectionAccess;
import dev.switchboard.egress.BoundedCalls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
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

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final int MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

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

    /** {@code path} is relative to the connection's base URL and already checked; {@code query} is raw, or null. */
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

    ProviderCalls(ConnectionAccess connections) {
        this.connections = connections;
    }

    Response send(Request r) throws IOException {
        String target = r.query() == null || r.query().isEmpty() ? r.path() : r.path() + "?" + r.query();
        var prepared = connections.prepare(r.tenantId(), r.connectionId(), r.method(), target);
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
        if (r.idempotencyKey() != null) request.setHeader("Idempotency-Key", r.idempotencyKey());
        if (r.body() != null && r.body().length > 0) {
            request.setEntity(new ByteArrayEntity(
                    r.body(), contentType == null ? ContentType.APPLICATION_JSON : ContentType.parse(contentType)));
        }
        long started = System.nanoTime();
        return BoundedCalls.call(prepared.client(), request, DEADLINE, response -> {
            byte[] body = new byte[0];
            boolean truncated = false;
            if (response.getEntity() != null) {
                try (var in = response.getEntity().getContent()) {
                    body = in.readNBytes(MAX_RESPONSE_BYTES);
                    truncated = in.read() >= 0;
                }
            }
            return new Response(
                    response.getCode(),
                    new ArrayList<>(List.of(response.getHeaders())),
                    body,
                    truncated,
                    Duration.ofNanos(System.nanoTime() - started));
        });
    }
}
