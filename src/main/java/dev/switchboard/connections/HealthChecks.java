package dev.switchboard.connections;

import dev.switchboard.calllog.CallLog;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.connections.Connection.Health;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.egress.BoundedCalls;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health checks: the provider's health request with the stored credentials, outside any
 * transaction, then the result recorded. A change of health is an event; going down puts an active
 * connection in error, and a healthy answer brings one in error back (unless its OAuth grant was
 * refused: that needs a reconnect). The decision is taken on the connection as it is when the
 * result is written, and the move is fenced on that state.
 */
@Component
class HealthChecks {

    private final ConnectionRepository connections;
    private final HealthRepository history;
    private final Catalog catalog;
    private final Transitions transitions;
    private final ProviderClients http;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final CallLog callLog;

    HealthChecks(
            ConnectionRepository connections,
            HealthRepository history,
            Catalog catalog,
            Transitions transitions,
            ProviderClients providerClients,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            CallLog callLog) {
        this.callLog = callLog;
        this.connections = connections;
        this.history = history;
        this.catalog = catalog;
        this.transitions = transitions;
        this.http = providerClients;
        this.properties = properties;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** A check asked for through the API. */
    HealthResult check(String tenantId, String id) {
        Connection c = connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
        Transitions.require(c, Connection.Operation.CHECK);
        return check(c, null);
    }

    /**
     * Checks and records. {@code lease}: the scheduled claim's mark, so a result that arrives after
     * the claim expired (another node may have checked since) is dropped rather than recorded twice.
     */
    HealthResult check(Connection c, Instant lease) {
        Provider p = catalog.require(c.provider());
        HealthResult result = probe(p, c, connections.secrets(c));
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            if (!history.recordHealth(c, lease, result, now.plus(properties.checkInterval()), now)) return;
            Connection current = connections.find(c.tenantId(), c.id()).orElse(null);
            if (current == null) return;
            if (result.status() != c.health()) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", c.health().wire());
                change.put("to", result.status().wire());
                transitions.emit(current, Transitions.HEALTH_CHANGED, change, now);
            }
            if (result.status() == Health.DOWN && current.state() == State.ACTIVE) {
                transitions.move(current, State.ERROR, "health check: " + result.error(), now);
            } else if (result.status() == Health.HEALTHY
                    && current.state() == State.ERROR
                    && (current.lastError() == null || current.lastError().startsWith("health check"))) {
                transitions.move(current, State.ACTIVE, null, now);
            }
        });
        return result;
    }

    /** A connection's check history, newest first. */
    List<HealthResult> history(String tenantId, String id, PageRequest page) {
        connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
        return history.health(tenantId, id, page);
    }

    /** The health request alone; nothing recorded. */
    HealthResult probe(Provider p, Connection c, Connection.Secrets secrets) {
        Instant now = Sql.now(clock);
        String id = Ids.next("hc");
        if (p.healthCheck() == null)
            return new HealthResult(id, now, Health.UNKNOWN, null, 0, "the provider has no health check");
        var h = p.healthCheck();
        String token = null;
        if (p.oauth()) {
            token = secrets.accessToken();
            if (token == null) return new HealthResult(id, now, Health.DOWN, null, 0, "no access token");
        }
        org.apache.hc.client5.http.classic.methods.HttpUriRequestBase request;
        try {
            request = ProviderRequests.build(p, c, secrets, token, h.method(), h.path());
        } catch (IllegalArgumentException e) {
            return new HealthResult(id, now, Health.DOWN, null, 0, clip(e.getMessage(), 300));
        }
        long started = System.nanoTime();
        long[] received = {0};
        HealthResult result = call(p, c, h, request, id, now, started, received);
        callLog.record(new CallLog.Call(
                c.tenantId(),
                c.id(),
                c.provider(),
                CallLog.Origin.HEALTH_CHECK,
                request.getMethod(),
                ProviderRequests.loggedPath(p, request),
                result.statusCode(),
                (System.nanoTime() - started) / 1_000_000,
                0,
                received[0],
                result.error(),
                null,
                null,
                now,
                null,
                null));
        return result;
    }

    private HealthResult call(
            Provider p,
            Connection c,
            Provider.HealthCheck h,
            org.apache.hc.client5.http.classic.methods.HttpUriRequestBase request,
            String id,
            Instant now,
            long started,
            long[] received) {
        try {
            return BoundedCalls.call(http.forApi(p, c), request, properties.checkTimeout(), r -> {
                if (r.getEntity() != null)
                    received[0] = Math.max(0, r.getEntity().getContentLength());
                String refusal = null;
                if (h.expectBody() != null && !h.expectBody().isEmpty()) {
                    refusal = bodyMismatch(r, h.expectBody());
                } else if (r.getEntity() != null) {
                    EntityUtils.consume(r.getEntity());
                }
                int latency = (int) ((System.nanoTime() - started) / 1_000_000);
                int code = r.getCode();
                boolean expected = h.expect().contains(code) && refusal == null;
                Health status = code == 429
                                || (expected && latency > properties.slowAfter().toMillis())
                        ? Health.DEGRADED
                        : expected ? Health.HEALTHY : Health.DOWN;
                String error = expected
                        ? (status == Health.DEGRADED ? "slow: " + latency + " ms" : null)
                        : refusal != null ? refusal : "HTTP " + code;
                if (code == 429) error = "HTTP 429: throttled";
                return new HealthResult(id, now, status, code, latency, error);
            });
        } catch (IllegalArgumentException e) {
            return new HealthResult(id, now, Health.DOWN, null, 0, clip(e.getMessage(), 300));
        } catch (IOException e) {
            int latency = (int) ((System.nanoTime() - started) / 1_000_000);
            String why = e instanceof java.net.SocketTimeoutException
                    ? "timed out after " + properties.checkTimeout()
                    : e.getClass().getSimpleName() + ": " + clip(String.valueOf(e.getMessage()), 200);
            return new HealthResult(id, now, Health.DOWN, null, latency, why);
        }
    }

    /** Null when the JSON answer carries every expected field value; else what differs. */
    private String bodyMismatch(ClassicHttpResponse r, Map<String, JsonNode> expected) throws IOException {
        if (r.getEntity() == null) return "an empty answer";
        JsonNode body;
        try (var in = r.getEntity().getContent()) {
            body = json.readTree(in.readNBytes(64 * 1024));
        } catch (RuntimeException notJson) {
            return "an answer that is not JSON";
        }
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(body.get(e.getKey()))) {
                return "the answer's \"" + e.getKey() + "\" is " + clip(String.valueOf(body.get(e.getKey())), 100);
            }
        }
        return null;
    }

    static String clip(String s, int max) {
        return Text.storable(s, max);
    }
}
