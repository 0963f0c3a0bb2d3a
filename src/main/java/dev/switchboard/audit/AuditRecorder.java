package dev.switchboard.audit;

import dev.switchboard.common.Ids;
import dev.switchboard.common.Paths;
import dev.switchboard.common.RequestIds;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Audits every mutating call to the API ({@code /api/**}, any method but GET, HEAD and OPTIONS, on
 * whatever route any module maps) and to the dashboard ({@code /ui/**}), plus the GETs that reveal a
 * secret. One entry per call, written one of two ways:
 *
 * <ul>
 *   <li>In the change's own transaction: {@link AuditTransactions} inserts the entry just before the
 *       request's first write transaction commits, so the change and its entry commit together or not
 *       at all. The response is not known yet, so after it this filter completes the entry, once, with
 *       the status and the id of a created resource (the only update an entry ever gets).
 *   <li>After the response, when no write transaction of the request committed: the call changed
 *       nothing in a transaction (it failed, rolled back, or made no transactional change), and the
 *       entry says so, with the outcome its status gives.
 * </ul>
 *
 * It runs inside Spring Security's filter chain (order 0, after its -100), so the caller is known;
 * a request refused for want of a valid key never reaches it and leaves no entry (no actor to name,
 * and anyone could fill the log with them). Requests no route matched leave none either.
 */
@Component
@Order(0)
class AuditRecorder extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** Enough of a body for its top-level field names; the rest is not kept in memory twice. */
    private static final int BODY_CACHE = 64 * 1024;

    private static final ThreadLocal<AuditedRequest> CURRENT = new ThreadLocal<>();

    private final AuditRepository entries;
    private final AuditProperties properties;
    private final Clock clock;

    AuditRecorder(AuditRepository entries, AuditProperties properties, Clock clock) {
        this.entries = entries;
        this.properties = properties;
        this.clock = clock;
    }

    /** The audited request on this thread, if any: what {@link AuditTransactions} attaches entries to. */
    static AuditedRequest current() {
        return CURRENT.get();
    }

    /** Runs {@code work} as if serving {@code audited} on this thread; for tests of the transaction rules. */
    static void serving(AuditedRequest audited, Runnable work) {
        CURRENT.set(audited);
        try {
            work.run();
        } finally {
            CURRENT.remove();
        }
    }

    /** One audited call: set while its handler runs on this thread. */
    static final class AuditedRequest {
        final HttpServletRequest request;
        final boolean dashboard;
        /** The entry written in a committed transaction of this request; then only completed after. */
        String committedEntryId;
        /** The entry inserted by a transaction still committing. */
        String pendingEntryId;
        /** Transactions of this request begun and not yet ended: more than one means REQUIRES_NEW. */
        int open;

        AuditedRequest(HttpServletRequest request, boolean dashboard) {
            this.request = request;
            this.dashboard = dashboard;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !properties.enabled() || (!Paths.isApi(request) && !(properties.dashboard() && isDashboard(request)));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (READS.contains(request.getMethod())) {
            chain.doFilter(request, response);
            if (RouteActions.reveals(request.getMethod(), pattern(request))) {
                write(new AuditedRequest(request, false), response.getStatus(), null);
            }
            return;
        }
        var cached = new ContentCachingRequestWrapper(request, BODY_CACHE);
        var audited = new AuditedRequest(cached, !Paths.isApi(request));
        CURRENT.set(audited);
        boolean thrown = true;
        try {
            chain.doFilter(cached, response);
            thrown = false;
        } finally {
            CURRENT.remove();
            try {
                // An exception leaving the chain becomes a 500 at the container.
                finish(audited, thrown ? 500 : response.getStatus(), response.getHeader("Location"));
            } catch (RuntimeException e) {
                // The response is already out; the change, if any, carries its own entry.
                log.error("Could not write the audit entry of {} {}", request.getMethod(), pattern(request), e);
            }
        }
    }

    private void finish(AuditedRequest audited, int status, String location) {
        String id = audited.committedEntryId;
        if (id != null && entries.complete(id, status, createdId(audited, location))) return;
        write(audited, status, location);
    }

    private void write(AuditedRequest audited, int status, String location) {
        AuditEntry entry = entry(audited, AuditEntry.Outcome.ofStatus(status), status, createdId(audited, location));
        if (entry != null) entries.insert(entry);
    }

    /**
     * The entry of a call as far as it is known now; null when the call is not one to audit (no route
     * matched, or an API call with no authenticated caller).
     */
    AuditEntry entry(AuditedRequest audited, AuditEntry.Outcome outcome, Integer status, String createdId) {
        HttpServletRequest request = audited.request;
        String pattern = pattern(request);
        if (pattern == null) return null;
        Caller caller = caller();
        if (caller == null && !audited.dashboard) return null;
        var described = RouteActions.describe(request.getMethod(), pattern, variables(request));
        String tenant = variables(request).get("tenant");
        // A tenant the caller may not see (answered 404) is not named: the attempt goes to the caller's own log.
        if (caller != null && (tenant == null || !caller.sees(tenant))) tenant = caller.tenantId();
        return new AuditEntry(
                Ids.next("aud"),
                Sql.now(clock),
                tenant,
                caller == null ? null : caller.keyId(),
                caller == null ? null : caller.role().wire(),
                described.action(),
                request.getMethod(),
                described.targetType(),
                described.targetId() != null ? described.targetId() : createdId,
                outcome,
                status,
                RequestIds.of(request),
                SourceIps.truncate(request.getRemoteAddr(), properties.ipv4Prefix(), properties.ipv6Prefix()),
                fields(audited));
    }

    private static List<String> fields(AuditedRequest audited) {
        if (audited.request instanceof ContentCachingRequestWrapper cached) {
            String type = cached.getContentType();
            if (type != null
                    && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                return BodyFields.ofParameters(Collections.list(cached.getParameterNames()));
            }
            byte[] body = cached.getContentAsByteArray();
            return BodyFields.of(body, body.length);
        }
        return List.of();
    }

    /** The id of the resource a create made, from its Location header (…/endpoints/ep_…). */
    private static String createdId(AuditedRequest audited, String location) {
        if (location == null || location.isEmpty()) return null;
        String pattern = pattern(audited.request);
        if (pattern == null
                || !RouteActions.describe(audited.request.getMethod(), pattern, Map.of())
                        .create()) return null;
        String path = location.replaceFirst("[?#].*$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.matches("[A-Za-z0-9._:-]{1,200}") ? last : null;
    }

    private static Caller caller() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller c ? c : null;
    }

    private static String pattern(HttpServletRequest request) {
        Object p = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return p == null ? null : p.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> variables(HttpServletRequest request) {
        var v = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return v == null ? Map.of() : v;
    }

    private static boolean isDashboard(HttpServletRequest request) {
        String path = Paths.routed(request);
        return path.equals("/ui") || path.startsWith("/ui/");
    }
}
