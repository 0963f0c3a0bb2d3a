package dev.switchboard.common;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/** The one place where exceptions become problem+json responses with a stable {@code code}. */
@RestControllerAdvice
class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        var response = respond(e.code(), e.getMessage(), e.errors(), request);
        if (e instanceof RateLimitedException limited) {
            return ResponseEntity.status(response.getStatusCode())
                    .headers(response.getHeaders())
                    .header("Retry-After", Long.toString(limited.retryAfterSeconds()))
                    .body(response.getBody());
        }
        return response;
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e, HttpServletRequest request) {
        List<FieldError> errors = new ArrayList<>();
        e.getBindingResult()
                .getFieldErrors()
                .forEach(f -> errors.add(new FieldError(f.getField(), f.getDefaultMessage())));
        e.getBindingResult()
                .getGlobalErrors()
                .forEach(g -> errors.add(new FieldError(g.getObjectName(), g.getDefaultMessage())));
        errors.sort(java.util.Comparator.comparing(FieldError::field));
        return respond(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors, request);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalidParameters(HandlerMethodValidationException e, HttpServletRequest request) {
        List<FieldError> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(r -> {
            String name = r.getMethodParameter().getParameterName();
            r.getResolvableErrors().forEach(err -> errors.add(new FieldError(name, err.getDefaultMessage())));
        });
        return respond(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors, request);
    }

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(TypeMismatchException e, HttpServletRequest request) {
        String name = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
        return respond(
                ErrorCode.VALIDATION_FAILED,
                "The request is not valid.",
                List.of(new FieldError(name, "has the wrong type")),
                request);
    }

    /**
     * Query strings or form bodies that do not decode (bad percent-encoding, invalid UTF-8, an empty
     * name): the container refuses them when parameters are first read. {@link RequestShape} reads
     * them up front on most routes; this catches any route it leaves out.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodable(InvalidParameterException e, HttpServletRequest request) {
        if (e.getErrorCode() == 413) {
            return respond(ErrorCode.PAYLOAD_TOO_LARGE, "The form body is too large.", List.of(), request);
        }
        ApiException undecodable = RequestShape.UNDECODABLE;
        return respond(undecodable.code(), undecodable.getMessage(), undecodable.errors(), request);
    }

    /** Spring Security's firewall refusing a header or URL it reads lazily (a control character, say). */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e, HttpServletRequest request) {
        return respond(ErrorCode.MALFORMED_REQUEST, ProblemWriter.REJECTED, List.of(), request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e, HttpServletRequest r) {
        return respond(
                ErrorCode.VALIDATION_FAILED,
                "The request is not valid.",
                List.of(new FieldError(e.getParameterName(), "is required")),
                r);
    }

    /** Unreadable bodies: too large, not JSON, or JSON of the wrong shape. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge) {
                return respond(ErrorCode.PAYLOAD_TOO_LARGE, t.getMessage(), List.of(), request);
            }
            if (t instanceof UnrecognizedPropertyException u) {
                return fieldError(path(u), "is not a known field", request);
            }
            if (t instanceof ValueInstantiationException v && v.getCause() instanceof ApiException api) {
                return respond(api.code(), api.getMessage(), api.errors(), request);
            }
            // FAIL_ON_TRAILING_TOKENS reports "{...} {" as a mismatch; to the caller it is broken JSON.
            if (t instanceof MismatchedInputException m
                    && String.valueOf(m.getOriginalMessage()).startsWith("Trailing token")) {
                return respond(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON.", List.of(), request);
            }
            if (t instanceof MismatchedInputException m) {
                String path = path(m);
                return path.isEmpty()
                        ? respond(ErrorCode.VALIDATION_FAILED, "The body must be a JSON object.", List.of(), request)
                        : fieldError(path, "has the wrong type or an unknown value", request);
            }
            if (t instanceof StreamReadException) {
                return respond(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON.", List.of(), request);
            }
        }
        return respond(ErrorCode.MALFORMED_JSON, "The request body is missing or not valid JSON.", List.of(), request);
    }

    /**
     * Spring MVC's own errors (404 for unknown routes, 405, 415, 406, …) implement
     * {@link ErrorResponse} and keep their status; anything else is a bug, logged with the request id.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> other(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse mvc && mvc.getStatusCode().value() < 500) {
            int status = mvc.getStatusCode().value();
            ErrorCode code = status == 400 ? ErrorCode.VALIDATION_FAILED : ErrorCode.forStatus(status);
            String detail = mvc.getBody().getDetail();
            var answer = respond(code, detail == null ? code.title() + "." : detail, List.of(), request);
            // Spring's headers for these are part of the answer: Allow on a 405 (which RFC 9110 requires),
            // Accept on a 415.
            return ResponseEntity.status(answer.getStatusCode())
                    .headers(answer.getHeaders())
                    .headers(mvc.getHeaders())
                    .body(answer.getBody());
        }
        if (e instanceof org.springframework.web.context.request.async.AsyncRequestNotUsableException) {
            // The client went away mid-response (a closed pipe): nothing to answer, and not our bug.
            log.debug("Client disconnected during {} {}", request.getMethod(), Text.loggable(request.getRequestURI()));
            return null;
        }
        log.error(
                "Unexpected error on {} {}",
                Text.loggable(request.getMethod()),
                Text.loggable(request.getRequestURI()),
                e);
        return respond(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; quote the requestId when reporting it.",
                List.of(),
                request);
    }

    private ResponseEntity<ProblemDetail> fieldError(String field, String message, HttpServletRequest request) {
        return respond(
                ErrorCode.VALIDATION_FAILED,
                "The request is not valid.",
                List.of(new FieldError(field, message)),
                request);
    }

    private static ResponseEntity<ProblemDetail> respond(
            ErrorCode code, String detail, List<FieldError> errors, HttpServletRequest request) {
        ProblemDetail body = ProblemWriter.problem(code, detail, errors, request);
        // The type is set here, not negotiated: an error is problem+json whatever Accept asked for
        // (even an Accept that does not parse), never an empty 406.
        var response = ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (code == ErrorCode.UNAUTHORIZED) response.header("WWW-Authenticate", "Bearer");
        return response.body(body);
    }

    /** A JSON path like {@code options.headers[2]} from Jackson's reference chain. */
    static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
