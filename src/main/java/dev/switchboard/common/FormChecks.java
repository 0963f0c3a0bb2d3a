package dev.switchboard.common;

import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The bean-validation check a REST handler gets from {@code @Valid @RequestBody}, for a dashboard
 * form that builds the same request record from its fields: the same constraints, the same
 * {@code validation_failed} error with one entry per field.
 */
@Component
public class FormChecks {

    private final Validator validator;

    FormChecks(Validator validator) {
        this.validator = validator;
    }

    public <T> T valid(T request) {
        var violations = validator.validate(request);
        if (violations.isEmpty()) return request;
        List<FieldError> errors = violations.stream()
                .map(v -> new FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        throw new ApiException(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
    }
}
