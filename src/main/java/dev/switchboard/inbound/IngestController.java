package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The one URL per source that providers post to. Any content type; the body is kept byte for byte. */
@Tag(name = "Webhook ingest")
@RestController
class IngestController {

    record Accepted(String id, boolean duplicate) {}

    record Challenge(String challenge) {}

    record Batch(List<Accepted> events) {}

    private final Ingest ingest;
    private final InboundProperties properties;
    private final IngestRateLimit rateLimit;
    private final TrustedProxies proxies;

    IngestController(Ingest ingest, InboundProperties properties, IngestRateLimit rateLimit, TrustedProxies proxies) {
        this.ingest = ingest;
        this.properties = properties;
        this.rateLimit = rateLimit;
        this.proxies = proxies;
    }

    @Operation(
            summary = "Receive a webhook for a source",
            description = "Verifies the provider's signature, deduplicates on its event id, stores the raw request and"
                    + " answers 200 only after the commit. 401 signature_missing | signature_invalid |"
                    + " timestamp_out_of_tolerance; 403 https_required (the source's requireHttps); 404 unknown source;"
                    + " 413 body too large; 429 rate_limited (retry after Retry-After); 503 source_disabled, or"
                    + " ingest_busy (too many webhooks waiting to be committed; retry after Retry-After). An event"
                    + " type the source's allowedTypes leave out is answered 200 too, stored as ignored.",
            security = {})
    @PostMapping("/webhooks/{sourceId}")
    ResponseEntity<?> receive(@PathVariable String sourceId, HttpServletRequest request) {
        // Before the body is read: a flood costs neither memory nor a database round trip.
        rateLimit.acquire(sourceId);
        byte[] body = read(request);
        return answer(ingest.receive(received(sourceId, request, body)));
    }

    @Operation(
            summary = "Answer a provider's subscription check for a source",
            description = "Meta's verification request (hub.mode=subscribe, hub.verify_token, hub.challenge): the"
                    + " challenge is answered as text/plain when the verify token is the source's. 403"
                    + " handshake_refused; 404 unknown source; 405 the source's provider sends no such check; 503"
                    + " source_disabled.",
            security = {})
    @GetMapping("/webhooks/{sourceId}")
    ResponseEntity<?> check(@PathVariable String sourceId, HttpServletRequest request) {
        rateLimit.acquire(sourceId);
        return answer(ingest.receive(received(sourceId, request, new byte[0])));
    }

    private Ingest.Received received(String sourceId, HttpServletRequest request, byte[] body) {
        Map<String, List<String>> headers = headers(request);
        var origin = proxies.resolve(
                request.getRemoteAddr(),
                request.isSecure(),
                headers.get("x-forwarded-for"),
                headers.get("x-forwarded-proto"));
        return new Ingest.Received(
                sourceId,
                headers,
                body,
                urls(request),
                request.getContentType(),
                origin.address(),
                request.getMethod(),
                request.getQueryString(),
                origin.https());
    }

    private static ResponseEntity<?> answer(Ingest.Outcome outcome) {
        // JSON whatever Accept says: a provider's Accept header must never turn a stored webhook into a 406.
        var ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        return switch (outcome) {
            case Ingest.Outcome.Stored s -> ok.body(new Accepted(s.eventId(), s.duplicate()));
            case Ingest.Outcome.Challenge c -> ok.body(new Challenge(c.challenge()));
            case Ingest.Outcome.Batch b ->
                ok.body(new Batch(b.events().stream()
                        .map(s -> new Accepted(s.eventId(), s.duplicate()))
                        .toList()));
            // Providers compare the answer byte for byte: plain text, nothing around it.
            case Ingest.Outcome.Text t ->
                ResponseEntity.ok()
                        .contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                        .header("X-Content-Type-Options", "nosniff")
                        .body(t.text());
        };
    }

    private byte[] read(HttpServletRequest request) {
        int max = properties.maxBodyBytes();
        if (request.getContentLengthLong() > max) throw tooLarge(max);
        try {
            byte[] body = request.getInputStream().readNBytes(max + 1);
            if (body.length > max) throw tooLarge(max);
            return body;
        } catch (IOException e) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "The request body could not be read.");
        }
    }

    private static ApiException tooLarge(int max) {
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "Webhook bodies are limited to " + max + " bytes.");
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(Collections.list(request.getHeaders(name)));
        }
        return headers;
    }

    /**
     * The URL the sender signed: the configured public URL when there is one, and then only that one,
     * because the URL as received is built from the Host header, which whoever sends the request
     * chooses. Without a public URL, the URL as received is all there is.
     */
    private List<String> urls(HttpServletRequest request) {
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        if (properties.publicUrl() != null) {
            return List.of(properties.publicUrl().toString().replaceAll("/+$", "") + request.getRequestURI() + query);
        }
        return List.of(request.getRequestURL() + query);
    }
}
