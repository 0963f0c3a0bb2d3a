package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tenant's deliveries across endpoints: the list the dashboard shows (failed ones, typically) and
 * resending many at once, by ids or by filter, bounded to {@link #MAX_RESEND} per request.
 */
@Service
class Deliveries {

    static final int MAX_RESEND = 1000;
    private static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed", "paused");

    /** The list's and the bulk resend's filter as received; times are RFC 3339. */
    record Query(String status, String endpoint, String eventType, String since, String until) {}

    /** Either {@code ids}, or a filter ({@code status} must then be {@code failed}); {@code max} bounds it. */
    record BulkResend(
            List<String> ids,
            String status,
            String endpoint,
            String eventType,
            String since,
            String until,
            Integer max) {}

    /** {@code skipped}: named or matched, but in flight (or not the tenant's). */
    record Resent(int queued, int skipped, List<String> ids) {}

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final DeliveryEngine engine;
    private final TransactionTemplate tx;
    private final Clock clock;

    Deliveries(
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            DeliveryEngine engine,
            TransactionTemplate tx,
            Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.engine = engine;
        this.tx = tx;
        this.clock = clock;
    }

    Page<DeliveryRepository.DeliveryItem> search(String tenant, Query q, Integer limit, String cursor) {
        var filter = filter(tenant, q);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(deliveries.searchDeliveries(tenant, filter, page), page, d -> new Cursor(d.createdAt(), d.id()));
    }

    /** Messages by event type, endpoint, delivery status and creation time; newest first. */
    Page<DeliveryRepository.MessageItem> messages(String tenant, Query q, Integer limit, String cursor) {
        var f = filter(tenant, q);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(
                deliveries.searchMessages(
                        tenant, f.eventType(), f.endpointId(), f.status(), f.since(), f.until(), page),
                page,
                m -> new Cursor(m.createdAt(), m.id()));
    }

    Resent resend(String tenant, BulkResend body) {
        boolean byIds = body.ids() != null;
        boolean byFilter = body.status() != null
                || body.endpoint() != null
                || body.eventType() != null
                || body.since() != null
                || body.until() != null;
        if (byIds == byFilter) throw ApiException.invalid("ids", "give either ids or a filter (status=failed …)");
        int max = body.max() == null ? MAX_RESEND : body.max();
        if (max < 1 || max > MAX_RESEND) throw ApiException.invalid("max", "must be between 1 and " + MAX_RESEND);
        List<String> ids;
        if (byIds) {
            if (body.ids().isEmpty() || body.ids().size() > max) {
                throw ApiException.invalid("ids", "must name 1 to " + max + " deliveries");
            }
            if (body.ids().stream().anyMatch(id -> id == null || id.isBlank() || id.length() > 40)) {
                throw ApiException.invalid("ids", "must be delivery ids");
            }
            ids = body.ids().stream().distinct().toList();
        } else {
            if (!"failed".equals(body.status())) throw ApiException.invalid("status", "must be failed");
            var q = new Query(body.status(), body.endpoint(), body.eventType(), body.since(), body.until());
            ids = deliveries.idsMatching(tenant, filter(tenant, q), max);
        }
        Instant now = Sql.now(clock);
        List<String> queued = tx.execute(s -> deliveries.resendAll(tenant, ids, now));
        if (!queued.isEmpty()) engine.wake();
        return new Resent(queued.size(), ids.size() - queued.size(), queued);
    }

    private DeliveryRepository.DeliveryFilter filter(String tenant, Query q) {
        if (q.status() != null && !STATUSES.contains(q.status())) {
            throw ApiException.invalid("status", "must be one of pending, succeeded, failed, paused");
        }
        if (q.endpoint() != null) {
            endpoints.find(tenant, q.endpoint()).orElseThrow(() -> ApiException.notFound("endpoint"));
        }
        Instant since = Timestamps.parse("since", q.since());
        Instant until = Timestamps.parse("until", q.until());
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalid("until", "must be after since");
        }
        return new DeliveryRepository.DeliveryFilter(q.status(), q.endpoint(), q.eventType(), since, until);
    }
}
