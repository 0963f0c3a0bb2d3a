package dev.switchboard.common;

import org.springframework.http.HttpStatus;

/** Stable error codes: clients branch on {@link #code()}, so a constant's name never changes once shipped. */
public enum ErrorCode {
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The request body is not valid JSON"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "A valid API key is required"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "This key may not do that"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "No acceptable representation"),
    CONFLICT(HttpStatus.CONFLICT, "Conflict"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type"),
    GONE(HttpStatus.GONE, "No longer available"),
    SIGNATURE_MISSING(HttpStatus.UNAUTHORIZED, "The webhook signature is missing"),
    SIGNATURE_INVALID(HttpStatus.UNAUTHORIZED, "The webhook signature is not valid"),
    TIMESTAMP_OUT_OF_TOLERANCE(HttpStatus.UNAUTHORIZED, "The webhook timestamp is too old or too new"),
    SOURCE_DISABLED(HttpStatus.SERVICE_UNAVAILABLE, "This source is disabled"),
    SCHEMA_MISMATCH(HttpStatus.UNPROCESSABLE_ENTITY, "The payload does not match the event type's schema"),
    INVALID_STATE(HttpStatus.CONFLICT, "Not possible in the connection's current state"),
    CREDENTIALS_REJECTED(HttpStatus.UNPROCESSABLE_ENTITY, "The provider rejected the credentials"),
    OAUTH_STATE_INVALID(HttpStatus.BAD_REQUEST, "The OAuth state is unknown, used or expired"),
    OAUTH_FAILED(HttpStatus.BAD_GATEWAY, "The provider's OAuth server refused or failed"),
    PROVIDER_IN_USE(HttpStatus.CONFLICT, "Connections still use this provider"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

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

    /** The wire value, e.g. {@code validation_failed}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
