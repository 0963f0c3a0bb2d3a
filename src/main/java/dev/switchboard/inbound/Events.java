package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading and replaying a tenant's inbound events: the use cases behind the events API (and the
 * dashboard's logs). Callers pass a tenant they have already been allowed to see.
 */
@Service
class Events {

    /** An event in a list: its metadata, without headers or body. */
    record EventItem(
            String id,
            String tenantId,
            String sourceId,
            String provider,
            @JsonInclude(JsonInclude.Include.NON_NULL) String providerEventId,
            String type,
            String subject,
            String userId,
            String status,
            boolean verified,
            Instant time,
            Instant receivedAt,
            int bodySize,
            @JsonInclude(JsonInclude.Include.NON_NULL) String canonicalType) {

        static EventItem of(EventRow e) {
            return new EventItem(
                    e.id(),
                    e.tenantId(),
                    e.sourceId(),
                    e.provider().wire(),
                    e.providerEventId(),
                    e.type(),
                    e.subject(),
                    e.userId(),
                    e.status(),
                    !"none".equals(e.verification()),
                    e.providerTime() != null ? e.providerTime() : e.receivedAt(),
                    e.receivedAt(),
                    e.bodySize(),
                    e.canonicalType());
        }
    }

    record EventsPage(
            List<EventItem> data,
            String nextCursor,
            @JsonInclude(JsonInclude.Include.NON_NULL) EventRepository.Summary summary) {}

    /** One event in full: redacted headers, the verification, each processing run, and its CloudEvent. */
    record EventDetail(
            String id,
            String tenantId,
            String sourceId,
            String provider,
            @JsonInclude(JsonInclude.Include.NON_NULL) String providerEventId,
            String type,
            String subject,
            String userId,
            String status,
            boolean verified,
            String verification,
            Instant receivedAt,
            Instant providerTime,
            String contentType,
            int bodySize,
            Instant bodyPurgedAt,
            Map<String, String> headers,
            int attempts,
            String lastError,
            Instant processedAt,
            List<EventRepository.Run> runs,
            @JsonInclude(JsonInclude.Include.NON_NULL) String body,
            CloudEvent cloudEvent,
            @JsonInclude(JsonInclude.Include.NON_NULL) String canonicalType,
            @JsonInclude(JsonInclude.Include.NON_NULL) String remoteAddr) {}

    record Replayed(String id, String status, int run) {}

    private static final Set<String> STATUSES = Set.of("received", "processed", "failed", EventRow.IGNORED);

    private final EventRepository events;
    private final JsonMapper json;
    private final EventProcessor processor;
    private final Clock clock;

    Events(EventRepository events, JsonMapper json, EventProcessor processor, Clock clock) {
        this.events = events;
        this.json = json;
        this.processor = processor;
        this.clock = clock;
    }

    /** The events list's query parameters, the same on the tenant and the platform route. */
    record EventQuery(
            String source,
            String provider,
            String type,
            String subject,
            String userId,
            String status,
            String since,
            String until,
            Integer limit,
            String cursor,
            Boolean summary,
            String canonicalType) {}

    /** One page of events, of one tenant or (tenant null, platform admins) of all. */
    EventsPage search(String tenant, EventQuery q) {
        var filter = filter(tenant, q);
        PageRequest page = PageRequest.of(q.limit(), q.cursor());
        Page<EventRow> rows = Page.of(events.search(filter, page), page, e -> new Cursor(e.receivedAt(), e.id()));
        return new EventsPage(
                rows.data().stream().map(EventItem::of).toList(),
                rows.nextCursor(),
                Boolean.TRUE.equals(q.summary()) ? events.summary(filter) : null);
    }

    /** The list's filter from its query parameters; bad values are 400s naming the parameter. */
    EventRepository.Filter filter(String tenant, EventQuery q) {
        String provider = q.provider();
        if (provider != null
                && java.util.Arrays.stream(Provider.values())
                        .noneMatch(p -> p.wire().equals(provider))) {
            throw ApiException.invalid("provider", "is not a known provider");
        }
        if (q.status() != null && !STATUSES.contains(q.status())) {
            throw ApiException.invalid("status", "must be one of received, processed, failed, ignored");
        }
        var since = Timestamps.parse("since", q.since());
        var until = Timestamps.parse("until", q.until());
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalid("until", "must be after since");
        }
        return new EventRepository.Filter(
                tenant,
                q.source(),
                provider,
                q.type(),
                q.subject(),
                q.userId(),
                q.status(),
                since,
                until,
                q.canonicalType());
    }

    /** One event in full; another tenant's is not found. */
    EventDetail detail(String tenant, String id) {
        EventRow e = events.find(tenant, id).orElseThrow(() -> ApiException.notFound("event"));
        byte[] body = e.bodyPurgedAt() == null ? events.body(e.id()) : null;
        return new EventDetail(
                e.id(),
                e.tenantId(),
                e.sourceId(),
                e.provider().wire(),
                e.providerEventId(),
                e.type(),
                e.subject(),
                e.userId(),
                e.status(),
                !"none".equals(e.verification()),
                e.verification(),
                e.receivedAt(),
                e.providerTime(),
                e.contentType(),
                e.bodySize(),
                e.bodyPurgedAt(),
                e.headers(),
                e.attempts(),
                e.lastError(),
                e.processedAt(),
                events.runs(e.id()),
                text(body),
                CloudEvent.of(e, body, json),
                e.canonicalType(),
                e.remoteAddr());
    }

    /** The exact bytes received; 410 once retention purged them. */
    EventRepository.Raw raw(String tenant, String id) {
        var raw = events.raw(tenant, id).orElseThrow(() -> ApiException.notFound("event"));
        if (raw.body() == null) {
            throw new ApiException(ErrorCode.GONE, "The raw body was purged at " + raw.purgedAt() + " (retention).");
        }
        return raw;
    }

    /** A new processing run with the same event id. */
    Replayed replay(String tenant, String id) {
        if (!events.replay(tenant, id, Sql.now(clock))) throw ApiException.notFound("event");
        processor.wake();
        EventRow e = events.find(tenant, id).orElseThrow(() -> ApiException.notFound("event"));
        return new Replayed(e.id(), e.status(), e.runs());
    }

    /** The body as text when it is valid UTF-8 text, else null (use /raw). */
    private static String text(byte[] body) {
        if (body == null) return null;
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return null;
            }
            return s;
        } catch (CharacterCodingException binary) {
            return null;
        }
    }
}
