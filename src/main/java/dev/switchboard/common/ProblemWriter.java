package dev.switchboard.common;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds every problem+json body (RFC 9457), with the stable {@code code}, the field errors and
 * the request id. Used by the MVC handler and by filters that answer before MVC runs.
 */
@Component
public class ProblemWriter {

    /** The detail for a request the firewall refused; the offending text is never echoed. */
    public static final String REJECTED =
            "The request has a character or sequence this server does not accept in its URL or headers.";

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    public static ProblemDetail problem(
            ErrorCode code, String detail, List<FieldError> errors, HttpServletRequest request) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(code.status(), detail);
        p.setType(URI.create("urn:switchboard:problem:" + code.code()));
        p.setTitle(code.title());
        p.setProperty("code", code.code());
        if (!errors.isEmpty()) p.setProperty("errors", errors);
        if (request != null) {
            String id = RequestIds.of(request);
            if (id != null) p.setProperty("requestId", id);
        }
        return p;
    }

    /** An {@link ApiException} answered by a filter, with its field errors. */
    public void write(HttpServletRequest request, HttpServletResponse response, ApiException e) throws IOException {
        if (e instanceof RateLimitedException limited) {
            response.setHeader("Retry-After", Long.toString(limited.retryAfterSeconds()));
        }
        write(request, response, e.code(), problem(e.code(), e.getMessage(), e.errors(), request));
    }

    /** For filters and security handlers, which write the response themselves. */
    public void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        write(request, response, code, problem(code, detail, List.of(), request));
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, ProblemDetail p)
            throws IOException {
        if (p.getInstance() == null) p.setInstance(instance(request));
        if (!response.isCommitted()) response.resetBuffer();
        response.setStatus(code.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (code == ErrorCode.UNAUTHORIZED) response.setHeader("WWW-Authenticate", "Bearer");
        json.writeValue(response.getOutputStream(), p);
    }

    /**
     * The path the caller asked for, also when answering from the error dispatch (where the
     * request's own URI is {@code /error}); null when it is not a usable URI reference.
     */
    public static URI instance(HttpServletRequest request) {
        Object original = request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        String path = original instanceof String s ? s : request.getRequestURI();
        try {
            return path == null ? null : new URI(path);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
