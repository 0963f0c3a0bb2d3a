package dev.switchboard.common;

/** One invalid field of a request: a JSON path such as {@code role} or {@code options.header}, and why. */
public record FieldError(String field, String message) {}
