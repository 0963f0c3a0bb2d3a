package dev.switchboard.calllog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/** Reading a tenant's call log: the use cases behind the calls API. Callers pass a tenant already allowed. */
@Service
class Calls {

    /** A call as the API shows it; bodies only on the one-call route. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallView(
            String id,
            String tenantId,
            String connectionId,
            String provider,
            String origin,
            String method,
            String path,
            Integer status,
            long latencyMs,
            long requestBytes,
            long responseBytes,
            String error,
            String actor,
            String requestId,
            Instant at,
            String requestBody,
            String responseBody) {

        static CallView of(CallRepository.Row r) {
            return new CallView(
                    r.id(),
                    r.tenantId(),
                    r.connectionId(),
                    r.provider(),
                    r.origin(),
                    r.method(),
                    r.path(),
                    r.status(),
                    r.latencyMs(),
                    r.requestBytes(),
                    r.responseBytes(),
                    r.error(),
                    r.actor(),
                    r.requestId(),
                    r.calledAt(),
                    r.requestBody(),
                    r.responseBody());
        }
    }

    /** The list's query parameters. */
    record CallQuery(
            String connection,
            String provider,
            String origin,
            String status,
            String method,
            String q,
            String since,
            String until,
            Integer limit,
            String cursor) {}

    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,16}");

    private final CallRepository calls;
    private final CallWriter writer;

    Calls(CallRepository calls, CallWriter writer) {
        this.calls = calls;
        this.writer = writer;
    }

    /** Rows are written a few ms behind their calls: a read first waits for this node's queued ones. */
    Page<CallView> search(String tenant, CallQuery q) {
        writer.flush();
        Integer from = null;
        Integer to = null;
        boolean noStatus = false;
        if (q.status() != null) {
            switch (q.status().toLowerCase(Locale.ROOT)) {
                case "2xx" -> from = 200;
                case "3xx" -> from = 300;
                case "4xx" -> from = 400;
                case "5xx" -> from = 500;
                case "error" -> noStatus = true;
                default -> throw ApiException.invalid("status", "must be one of 2xx, 3xx, 4xx, 5xx, error");
            }
            if (from != null) to = from + 100;
        }
        String origin = null;
        if (q.origin() != null) {
            origin = q.origin().toLowerCase(Locale.ROOT);
            if (!origin.equals("proxy")
                    && !origin.equals("outbox")
                    && !origin.equals("health_check")
                    && !origin.equals("token")) {
                throw ApiException.invalid("origin", "must be one of proxy, outbox, health_check, token");
            }
        }
        if (q.method() != null && !METHOD.matcher(q.method()).matches()) {
            throw ApiException.invalid("method", "must be an HTTP method such as GET");
        }
        if (q.q() != null && q.q().length() > 200) throw ApiException.invalid("q", "must be at most 200 characters");
        if (q.q() != null && q.q().indexOf('\0') >= 0) throw ApiException.invalid("q", "must not contain NUL");
        var filter = new CallRepository.Filter(
                tenant,
                blankToNull(q.connection()),
                blankToNull(q.provider()),
                origin,
                q.method() == null ? null : q.method().toUpperCase(Locale.ROOT),
                from,
                to,
                noStatus,
                blankToNull(q.q()),
                Timestamps.parse("since", q.since()),
                Timestamps.parse("until", q.until()));
        PageRequest page = PageRequest.of(q.limit(), q.cursor());
        return Page.of(calls.search(filter, page), page, r -> new Cursor(r.calledAt(), r.id()))
                .map(CallView::of);
    }

    CallView get(String tenant, String id) {
        writer.flush();
        return calls.find(tenant, id).map(CallView::of).orElseThrow(() -> ApiException.notFound("call"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
