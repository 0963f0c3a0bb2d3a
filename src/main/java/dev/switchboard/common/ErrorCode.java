package dev.switchboard.common;

import org.springframework.http.HttpStatus;

/** Stable error codes: clients branch on {@link #code()}, so a constant's name never changes once shipped. */
public enum ErrorCode {
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The request body is not valid JSON"),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "The request is not well-formed HTTP"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "A valid API key is required"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "This key may not do that"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "No acceptable representation"),
    CONFLICT(HttpStatus.CONFLICT, "Conflict"),
    LIMIT_REACHED(HttpStatus.CONFLICT, "A per-tenant limit was reached"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type"),
    GONE(HttpStatus.GONE, "No longer available"),
    SIGNATURE_MISSING(HttpStatus.UNAUTHORIZED, "The webhook signature is missing"),
    SIGNATURE_INVALID(HttpStatus.UNAUTHORIZED, "The webhook signature is not valid"),
    TIMESTAMP_OUT_OF_TOLERANCE(HttpStatus.UNAUTHORIZED, "The webhook timestamp is too old or too new"),
    SOURCE_DISABLED(HttpStatus.SERVICE_UNAVAILABLE, "This source is disabled"),
    SCHEMA_MISMATCH(HttpStatus.UNPROCESSABLE_ENTITY, "The payload does not match the event type's schema"),
    SCHEMA_UNUSABLE(HttpStatus.UNPROCESSABLE_ENTITY, "The event type's schema cannot be evaluated"),
    EXPECTATION_FAILED(HttpStatus.EXPECTATION_FAILED, "The Expect header is not supported"),
    NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED, "Not supported by this server"),
    HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported"),
    INVALID_STATE(HttpStatus.CONFLICT, "Not possible in the connection's current state"),
    CREDENTIALS_REJECTED(HttpStatus.UNPROCESSABLE_ENTITY, "The provider rejected the credentials"),
    OAUTH_STATE_INVALID(HttpStatus.BAD_REQUEST, "The OAuth state is unknown, used or expired"),
    OAUTH_FAILED(HttpStatus.BAD_GATEWAY, "The provider's OAuth server refused or failed"),
    PROVIDER_IN_USE(HttpStatus.CONFLICT, "Connections still use this provider"),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "Too many requests: retry after the time Retry-After gives"),
    PROVIDER_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "The provider could not be reached or answered unusably"),
    PROVIDER_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "The provider did not answer in time"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    HANDSHAKE_REFUSED(HttpStatus.FORBIDDEN, "The subscription check's token is not the source's"),
    CONSENT_MISSING(HttpStatus.FORBIDDEN, "The contact has not consented to this channel and purpose"),
    HTTPS_REQUIRED(HttpStatus.FORBIDDEN, "This source accepts webhooks over https only"),
    INGEST_BUSY(HttpStatus.SERVICE_UNAVAILABLE, "Ingest is at capacity: retry after the time Retry-After gives"),
    FOUR_EYES(HttpStatus.FORBIDDEN, "Four eyes: the key that queued this job cannot decide on it");

    private final HttpStatus status;
    private final String title;

    ErrorCode(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /**
     * The code for a bare status, for errors that arrive as a number only (the servlet container,
     * Spring MVC's own exceptions). Client errors without a closer code are {@code malformed_request}.
     */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> MALFORMED_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 410 -> GONE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 417 -> EXPECTATION_FAILED;
            case 429 -> RATE_LIMITED;
            case 501 -> NOT_IMPLEMENTED;
            case 505 -> HTTP_VERSION_NOT_SUPPORTED;
            default -> status >= 500 ? INTERNAL_ERROR : MALFORMED_REQUEST;
        };
    }

    /** The wire value, e.g. {@code validation_failed}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
