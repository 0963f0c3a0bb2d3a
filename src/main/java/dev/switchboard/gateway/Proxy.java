package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hc.core5.http.Header;
import org.springframework.stereotype.Service;

/**
 * The synchronous proxy: one caller's request to a connection's provider API, sent now or refused.
 * Only an active connection; the path checked ({@link ProxyPaths}); under the connection's limits
 * (over them the caller gets 429 with {@code Retry-After} and nothing is sent); the provider's
 * answer passed back without hop-by-hop, credential or cookie headers.
 */
@Service
class Proxy {

    /** Request headers never forwarded beyond {@link ProviderCalls#STRIPPED}: proxies' own, and compression (the client negotiates its own). */
    static final Set<String> NOT_FORWARDED = Set.of(
            "forwarded",
            "via",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-forwarded-port",
            "x-real-ip",
            "x-request-id",
            "accept-encoding",
            "origin",
            "referer");

    /** Response headers never passed back: hop-by-hop (RFC 9110 §7.6.1), credentials and cookies, lengths we set. */
    static final Set<String> NOT_RETURNED = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-authenticate",
            "proxy-authorization",
            "www-authenticate",
            "authorization",
            "set-cookie",
            "set-cookie2",
            "content-length",
            "content-encoding");

    /** A proxied call's outcome: granted and answered, or refused for {@code retryAfter}. */
    record Outcome(int status, List<Map.Entry<String, String>> headers, byte[] body, Duration retryAfter) {}

    record Call(
            String tenantId,
            String connectionId,
            String method,
            String rawPath,
            String query,
            Map<String, List<String>> headers,
            byte[] body,
            String actor,
            String requestId) {}

    private final ProviderLimiter limiter;
    private final ProviderCalls calls;

    Proxy(ProviderLimiter limiter, ProviderCalls calls) {
        this.limiter = limiter;
        this.calls = calls;
    }

    Outcome forward(Call c) {
        String path = ProxyPaths.check(c.rawPath());
        Map<String, List<String>> forwarded = new LinkedHashMap<>();
        Set<String> listed = connectionListed(c.headers());
        c.headers().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(n) && !listed.contains(n)) forwarded.put(name, values);
        });
        // Prepared before the limiter is asked, from one read of the connection: unknown is a 404,
        // not active a 409 invalid_state, both before a token is taken that no call would spend.
        var ready = calls.prepare(new ProviderCalls.Request(
                c.tenantId(),
                c.connectionId(),
                c.method(),
                path,
                c.query(),
                forwarded,
                c.body(),
                null,
                ProviderCalls.Origin.PROXY,
                c.actor(),
                c.requestId()));
        String provider = ready.prepared().provider();
        var wait = limiter.tryAcquire(c.tenantId(), c.connectionId(), provider);
        if (wait.isPresent()) return new Outcome(429, List.of(), new byte[0], wait.get());

        ProviderCalls.Response r;
        try {
            r = calls.send(ready);
        } catch (SocketTimeoutException e) {
            throw new ApiException(
                    ErrorCode.PROVIDER_TIMEOUT, "The provider did not answer within " + calls.deadline() + ".");
        } catch (IOException e) {
            throw new ApiException(ErrorCode.PROVIDER_UNAVAILABLE, "The provider could not be reached.");
        }
        limiter.observe(c.tenantId(), c.connectionId(), provider, r.status(), asMap(r.headers()));
        if (r.truncated()) {
            throw new ApiException(
                    ErrorCode.PROVIDER_UNAVAILABLE, "The provider's answer is larger than this proxy passes back.");
        }
        Set<String> answerListed = connectionListed(asMap(r.headers()));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            String n = h.getName().toLowerCase(Locale.ROOT);
            if (!NOT_RETURNED.contains(n) && !answerListed.contains(n))
                headers.add(Map.entry(h.getName(), h.getValue()));
        }
        return new Outcome(r.status(), headers, r.body(), null);
    }

    static Map<String, List<String>> asMap(List<Header> headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Header h : headers)
            map.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        return map;
    }

    /** Headers named in {@code Connection}: hop-by-hop for this hop only (RFC 9110 §7.6.1). */
    private static Set<String> connectionListed(Map<String, List<String>> headers) {
        Set<String> names = new HashSet<>();
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("connection")) return;
            for (String v : values) {
                for (String token : v.split(",")) names.add(token.trim().toLowerCase(Locale.ROOT));
            }
        });
        return names;
    }
}
