package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.vault.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives one webhook: verify, deduplicate, store the exact bytes, and only then say yes. What
 * this returns has been committed; a duplicate returns the id of the event stored first.
 */
@Component
class Ingest {

    private static final Logger log = LoggerFactory.getLogger(Ingest.class);

    /** A received request, before we know whether it is genuine. */
    record Received(
            String sourceId,
            Map<String, List<String>> headers,
            byte[] body,
            List<String> urls,
            String contentType,
            String remoteAddr,
            String method,
            String query,
            boolean https) {

        /** A POST without a query string, not known to have come over TLS. */
        Received(
                String sourceId,
                Map<String, List<String>> headers,
                byte[] body,
                List<String> urls,
                String contentType,
                String remoteAddr) {
            this(sourceId, headers, body, urls, contentType, remoteAddr, "POST", null, false);
        }
    }

    sealed interface Outcome {
        record Stored(String eventId, boolean duplicate) implements Outcome {}

        /** Slack's url_verification handshake: answer its challenge, store nothing. */
        record Challenge(String challenge) implements Outcome {}

        /** A subscription check passed (Meta, Graph): answer this text as {@code text/plain}, store nothing. */
        record Text(String text) implements Outcome {}

        /** A batch (Graph): one stored event per item, in the request's order. */
        record Batch(List<Stored> events) implements Outcome {}
    }

    private final IngestSources sources;
    private final EventRepository events;
    private final RejectionRepository rejections;
    private final DuplicateRepository duplicates;
    private final RejectionBudget rejectionBudget;
    private final Normalizer normalizer;
    private final IngestWriter writer;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Scheme.Context context;
    private final CanonicalTypes canonicalTypes;
    private final SourceStats stats;

    Ingest(
            IngestSources sources,
            EventRepository events,
            RejectionRepository rejections,
            DuplicateRepository duplicates,
            RejectionBudget rejectionBudget,
            JsonMapper json,
            IngestWriter writer,
            MeterRegistry metrics,
            Clock clock,
            PaypalCertificates paypal,
            CanonicalTypes canonicalTypes,
            SourceStats stats) {
        this.context = new Scheme.Context(paypal);
        this.canonicalTypes = canonicalTypes;
        this.stats = stats;
        this.sources = sources;
        this.events = events;
        this.rejections = rejections;
        this.duplicates = duplicates;
        this.rejectionBudget = rejectionBudget;
        this.normalizer = new Normalizer(json);
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
    }

    Outcome receive(Received r) {
        Instant now = Sql.now(clock);
        var found = sources.find(r.sourceId()).orElseThrow(() -> ApiException.notFound("source"));
        Source source = found.source();
        if (source.status() != Source.Status.ACTIVE || !found.tenantActive()) {
            throw new ApiException(
                    ErrorCode.SOURCE_DISABLED, "This source is disabled; it accepts nothing until re-enabled.");
        }
        Provider provider = source.provider();
        Scheme scheme = provider.scheme;
        if (source.options().httpsRequired() && !r.https()) {
            // Before any handshake too: a subscription made over plain http would be delivered over it.
            String detail = "This source accepts webhooks over https only.";
            reject(
                    source,
                    ErrorCode.HTTPS_REQUIRED.code(),
                    detail,
                    Headers.redacted(r.headers(), scheme.secretHeaders(source.options())),
                    r,
                    now);
            throw new ApiException(ErrorCode.HTTPS_REQUIRED, detail);
        }
        Map<String, List<String>> query = WebhookRequest.decode(r.query());
        WebhookRequest request = new WebhookRequest(
                r.headers(), r.body(), r.urls(), r.contentType(), now, r.method(), query == null ? Map.of() : query);
        var subscription = subscription(provider, request, found.verifyToken());
        if (subscription.isPresent()) {
            return switch (subscription.get()) {
                case Scheme.Subscription.Answer a -> new Outcome.Text(a.text());
                case Scheme.Subscription.Refused refused ->
                    throw new ApiException(ErrorCode.HANDSHAKE_REFUSED, refused.detail());
            };
        }
        if (!"POST".equals(r.method())) {
            throw new ApiException(
                    ErrorCode.METHOD_NOT_ALLOWED, "Only a provider's subscription check may use " + r.method() + ".");
        }
        List<Secret> keys = found.secretsAt(now);
        Verification verification = verify(provider, request, keys, source.options(), context);
        Map<String, String> headers = Headers.redacted(r.headers(), scheme.secretHeaders(source.options()));

        if (verification instanceof Verification.Rejected rejected) {
            reject(source, rejected.reason().code(), rejected.detail(), headers, r, now);
            throw new ApiException(errorCode(rejected.reason()), rejected.detail());
        }
        String verifiedBy = verification instanceof Verification.Verified v ? v.scheme() : "none";
        Normalizer.Payload payload = normalizer.read(request);
        var handshake = scheme.handshake(payload);
        if (handshake.isPresent()) return new Outcome.Challenge(handshake.get());
        List<Normalizer.Payload> parts = normalizer.parts(provider, payload);
        // Every part is queued before any is awaited, so a batch's parts share a commit.
        List<Queued> queued = new java.util.ArrayList<>(parts.size());
        for (Normalizer.Payload part : parts) {
            queued.add(queue(source, part, headers, verifiedBy, r.remoteAddr(), now));
        }
        List<Outcome.Stored> stored = new java.util.ArrayList<>(parts.size());
        for (Queued q : queued) stored.add(stored(source, q, now));
        return parts.size() == 1 ? stored.getFirst() : new Outcome.Batch(stored);
    }

    private record Queued(EventRow row, boolean ignored, java.util.concurrent.CompletableFuture<Boolean> inserted) {}

    private Queued queue(
            Source source,
            Normalizer.Payload part,
            Map<String, String> headers,
            String verifiedBy,
            String remoteAddr,
            Instant now) {
        Normalizer.Normalized n = normalizer.normalize(source.provider(), source.options(), part);
        String canonical = canonicalTypes.of(n.type(), part);
        // Stored, so a retry of it is a duplicate and the tenant can see what was left out, but never routed.
        boolean ignored = !source.options().allows(n.type(), canonical);
        byte[] body = part.request().body();
        String contentType = part.request().contentType();
        EventRow row = EventRow.received(
                Ids.next("evt"),
                source,
                n,
                canonical,
                now,
                clip(contentType),
                headers,
                body.length,
                verifiedBy,
                Text.storable(remoteAddr, 64),
                ignored);
        return new Queued(row, ignored, writer.submit(row, body));
    }

    /** Waits for the row's commit; a duplicate answers with the id of the event stored first. */
    private Outcome.Stored stored(Source source, Queued q, Instant now) {
        boolean inserted = writer.await(q.inserted());
        metrics.counter(
                        "switchboard.inbound.events",
                        "provider",
                        source.provider().wire(),
                        "outcome",
                        inserted ? (q.ignored() ? "ignored" : "stored") : "duplicate")
                .increment();
        if (!inserted) {
            stats.count(source, SourceStats.Outcome.DUPLICATE, now);
            String original = events.idByDedupeKey(source.id(), q.row().dedupeKey())
                    .orElseThrow(() -> new IllegalStateException(
                            "An event with dedupe key of source " + source.id() + " conflicted but cannot be found"));
            recordDuplicate(source, original, now);
            return new Outcome.Stored(original, true);
        }
        // The writer wakes the processor after the commit (an ignored event is never due, so it finds nothing).
        stats.count(source, q.ignored() ? SourceStats.Outcome.IGNORED : SourceStats.Outcome.ACCEPTED, now);
        return new Outcome.Stored(q.row().id(), false);
    }

    /** Like a verifier, a subscription check must not throw on what a stranger sent. */
    private static java.util.Optional<Scheme.Subscription> subscription(
            Provider provider, WebhookRequest request, Secret verifyToken) {
        try {
            return provider.scheme.subscription(request, verifyToken);
        } catch (RuntimeException e) {
            log.warn("The {} scheme threw on a subscription check; refusing it", provider.wire(), e);
            return java.util.Optional.of(new Scheme.Subscription.Refused("The check could not be answered."));
        }
    }

    /** A verifier must not throw on hostile input; if one ever does, the request is refused, not a 500. */
    private static Verification verify(
            Provider provider,
            WebhookRequest request,
            List<Secret> keys,
            SourceOptions options,
            Scheme.Context context) {
        try {
            return provider.scheme.verify(request, keys, options, context);
        } catch (RuntimeException e) {
            log.warn("The {} scheme threw on a request; refusing it", provider.wire(), e);
            return Verification.invalid("The signature could not be checked.");
        }
    }

    private void reject(
            Source source, String code, String detail, Map<String, String> headers, Received r, Instant now) {
        stats.count(source, SourceStats.Outcome.REJECTED, now);
        metrics.counter(
                        "switchboard.inbound.rejected",
                        "provider",
                        source.provider().wire(),
                        "reason",
                        code)
                .increment();
        if (!rejectionBudget.tryRecord(source.id())) {
            // Past the source's budget for this minute: counted, neither logged nor stored.
            metrics.counter(
                            "switchboard.inbound.rejections.unrecorded",
                            "provider",
                            source.provider().wire())
                    .increment();
            return;
        }
        log.info("Rejected a webhook for source {}: {} ({})", source.id(), code, detail);
        try {
            rejections.insert(
                    source.tenantId(),
                    new RejectionRepository.Rejection(
                            Ids.next("rej"),
                            source.id(),
                            now,
                            code,
                            detail,
                            headers,
                            r.body().length,
                            Text.storable(r.remoteAddr(), 64)));
        } catch (RuntimeException e) {
            // The record is for the logs; failing to write it must not change the answer.
            log.warn("Could not record a rejected webhook for source {}", source.id(), e);
        }
    }

    /** Counted for analytics; like a rejection's record, failing to write it must not change the answer. */
    private void recordDuplicate(Source source, String eventId, Instant now) {
        try {
            duplicates.insert(source.tenantId(), source.id(), eventId, now);
        } catch (RuntimeException e) {
            log.warn("Could not record a duplicate webhook for source {}", source.id(), e);
        }
    }

    private static ErrorCode errorCode(Verification.Reason reason) {
        return switch (reason) {
            case SIGNATURE_MISSING -> ErrorCode.SIGNATURE_MISSING;
            case SIGNATURE_INVALID -> ErrorCode.SIGNATURE_INVALID;
            case TIMESTAMP_OUT_OF_TOLERANCE -> ErrorCode.TIMESTAMP_OUT_OF_TOLERANCE;
        };
    }

    private static String clip(String contentType) {
        return contentType == null ? null : contentType.length() > 200 ? contentType.substring(0, 200) : contentType;
    }
}
