package dev.switchboard.gateway;

import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.ProblemWriter;
import dev.switchboard.common.RequestIds;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Provider gateway")
@RestController
class ProxyController {

    static final String BASE = "/api/v1/tenants/{tenant}/connections/{id}/proxy";

    private final Proxy proxy;
    private final ProblemWriter problems;

    ProxyController(Proxy proxy, ProblemWriter problems) {
        this.proxy = proxy;
        this.problems = problems;
    }

    /**
     * Everything below {@code …/proxy} is the path below the connection's API base URL. GET (and the
     * HEAD Spring MVC maps with it) read, so a viewer may; the other methods write. The provider's
     * answer is written as it came.
     */
    @Operation(
            summary = "Call the connection's provider API now, with its credentials, under its rate limits"
                    + " (429 with Retry-After over them)")
    // The answer is the provider's, of any type: described without a schema.
    @ApiResponse(responseCode = "200", description = "The provider's answer, as it came", content = @Content)
    @RequestMapping(
            path = BASE + "/**",
            method = {
                RequestMethod.GET,
                RequestMethod.POST,
                RequestMethod.PUT,
                RequestMethod.PATCH,
                RequestMethod.DELETE
            })
    void proxy(TenantScope scope, @PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        var outcome = proxy.forward(new Proxy.Call(
                scope.tenantId(),
                id,
                request.getMethod(),
                below(request),
                request.getQueryString(),
                headers,
                request.getInputStream().readAllBytes(),
                scope.caller().keyId(),
                RequestIds.of(request)));
        if (outcome.retryAfter() != null) {
            long seconds = Math.max(1, (outcome.retryAfter().toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
            problems.write(
                    request,
                    response,
                    ErrorCode.RATE_LIMITED,
                    "Over this connection's rate limit; nothing was sent. Retry after " + seconds + " s.");
            return;
        }
        response.setStatus(outcome.status());
        Set<String> set = new HashSet<>();
        for (var h : outcome.headers()) {
            // The provider's value replaces ours (Cache-Control, say); a repeated header stays repeated.
            if (set.add(h.getKey().toLowerCase(Locale.ROOT))) response.setHeader(h.getKey(), h.getValue());
            else response.addHeader(h.getKey(), h.getValue());
        }
        response.setContentLength(outcome.body().length);
        if (!request.getMethod().equals("HEAD") && outcome.body().length > 0) {
            response.getOutputStream().write(outcome.body());
        }
        response.flushBuffer();
    }

    /** The raw (still percent-encoded) request path after {@code …/proxy}: seven segments in. */
    static String below(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        int slash = -1;
        for (int i = 0; i < 8; i++) {
            slash = uri.indexOf('/', slash + 1);
            if (slash < 0) return "";
        }
        return uri.substring(slash);
    }
}
