package dev.switchboard.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any handler runs, requests whose shape no route can use: parameters that do not
 * decode, and a Content-Type that is a pattern rather than a type. Both otherwise surface deep in
 * Spring MVC as exceptions a caller could turn into 500s.
 *
 * <p>Webhook ingest is left alone: it reads neither parameters nor the declared type, and must keep
 * the body byte for byte (reading parameters would consume a form body before verification); the
 * provider proxy's parameters are left unread for the same reason.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class RequestShape extends OncePerRequestFilter {

    static final ApiException UNDECODABLE = ApiException.invalid(
            "parameters", "the query string or form body is not valid percent-encoded UTF-8 name=value pairs");

    private final ProblemWriter problems;

    RequestShape(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return Paths.isIngest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && !concrete(type)) {
            problems.write(
                    request,
                    response,
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be a concrete media type such as application/json.");
            return;
        }
        if (Paths.isProxy(request)) {
            // Forwarded as it came: the provider judges its own query and form body.
            chain.doFilter(request, response);
            return;
        }
        try {
            // The container decodes parameters lazily and throws wherever they are first read;
            // reading them here makes that one place, answered as the caller's error.
            request.getParameterMap();
        } catch (InvalidParameterException e) {
            if (e.getErrorCode() == 413) {
                problems.write(request, response, ErrorCode.PAYLOAD_TOO_LARGE, "The form body is too large.");
            } else {
                problems.write(request, response, UNDECODABLE);
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
