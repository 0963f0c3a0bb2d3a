package dev.switchboard.common;

import java.util.List;

/**
 * The one exception type that carries an HTTP-visible error. {@link ProblemHandler} turns it into
 * problem+json. The detail is shown to the caller, so it must never contain a secret.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final transient List<FieldError> errors;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, List.of());
    }

    public ApiException(ErrorCode code, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public static ApiException notFound(String kind) {
        return new ApiException(ErrorCode.NOT_FOUND, "No such " + kind + ".");
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(ErrorCode.FORBIDDEN, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(ErrorCode.CONFLICT, detail);
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(
                ErrorCode.VALIDATION_FAILED, "The request is not valid.", List.of(new FieldError(field, message)));
    }
}
