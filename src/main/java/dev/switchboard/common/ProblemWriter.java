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

    /** For filters and security handlers, which write the response themselves. */
    public void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        ProblemDetail p = problem(code, detail, List.of(), request);
        response.setStatus(code.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (code == ErrorCode.UNAUTHORIZED) response.setHeader("WWW-Authenticate", "Bearer");
        json.writeValue(response.getOutputStream(), p);
    }
}
