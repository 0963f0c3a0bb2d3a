package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.common.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-source settings. Which fields apply is each {@link Scheme}'s to say: {@code toleranceSeconds} for
 * schemes with a timestamp; {@code header}, {@code prefix}, {@code algorithm}, {@code encoding},
 * {@code timestampHeader} and {@code signedContent} for the generic {@code hmac} scheme;
 * {@code header} for {@code token} (default: {@code Authorization: Bearer}); {@code idHeader} for the
 * generic schemes, naming a header that carries the sender's event id. For {@code hmac} that id
 * deduplicates only when {@code signedContent} signs it ({@code {id}}): an unsigned header is
 * whatever a replayer wants it to be. {@code testToken} (Stripe only): authenticate with the source's
 * secret as a shared bearer token instead of Stripe's signature, for a test-mode or mock sender
 * that cannot sign; events are still read as Stripe's and marked {@code stripe-test-token}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SourceOptions(
        Integer toleranceSeconds,
        String header,
        String prefix,
        Algorithm algorithm,
        Encoding encoding,
        String timestampHeader,
        String signedContent,
        String idHeader,
        Boolean testToken) {

    static final SourceOptions NONE = new SourceOptions(null, null, null, null, null, null, null, null);

    SourceOptions(
            Integer toleranceSeconds,
            String header,
            String prefix,
            Algorithm algorithm,
            Encoding encoding,
            String timestampHeader,
            String signedContent,
            String idHeader) {
        this(toleranceSeconds, header, prefix, algorithm, encoding, timestampHeader, signedContent, idHeader, null);
    }

    boolean usesTestToken() {
        return Boolean.TRUE.equals(testToken);
    }

    static final int DEFAULT_TOLERANCE_SECONDS = 300;
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    enum Algorithm {
        @JsonProperty("sha1")
        SHA1("HmacSHA1"),
        @JsonProperty("sha256")
        SHA256("HmacSHA256"),
        @JsonProperty("sha512")
        SHA512("HmacSHA512");

        final String jca;

        Algorithm(String jca) {
            this.jca = jca;
        }
    }

    enum Encoding {
        @JsonProperty("hex")
        HEX,
        @JsonProperty("base64")
        BASE64
    }

    /** The generic scheme's timestamp counts only when the signature covers it. */
    boolean signsTimestamp() {
        return timestampHeader != null && signedContent != null && signedContent.contains("{timestamp}");
    }

    boolean signsId() {
        return idHeader != null && signedContent != null && signedContent.contains("{id}");
    }

    int tolerance() {
        return toleranceSeconds == null ? DEFAULT_TOLERANCE_SECONDS : toleranceSeconds;
    }

    /** An option a scheme may accept; the JSON name is the field's. */
    enum Field {
        TOLERANCE_SECONDS("toleranceSeconds"),
        HEADER("header"),
        PREFIX("prefix"),
        ALGORITHM("algorithm"),
        ENCODING("encoding"),
        TIMESTAMP_HEADER("timestampHeader"),
        SIGNED_CONTENT("signedContent"),
        ID_HEADER("idHeader"),
        TEST_TOKEN("testToken");

        final String json;

        Field(String json) {
            this.json = json;
        }

        String path() {
            return "options." + json;
        }
    }

    private Object value(Field f) {
        return switch (f) {
            case TOLERANCE_SECONDS -> toleranceSeconds;
            case HEADER -> header;
            case PREFIX -> prefix;
            case ALGORITHM -> algorithm;
            case ENCODING -> encoding;
            case TIMESTAMP_HEADER -> timestampHeader;
            case SIGNED_CONTENT -> signedContent;
            case ID_HEADER -> idHeader;
            case TEST_TOKEN -> testToken;
        };
    }

    /** What the options may say for this provider; every problem, not just the first. */
    List<FieldError> problems(Provider provider) {
        List<FieldError> errors = new ArrayList<>();
        Set<Field> accepted = provider.scheme.options();
        for (Field f : Field.values()) {
            if (value(f) != null && !accepted.contains(f)) {
                errors.add(new FieldError(f.path(), "does not apply to " + provider.wire()));
            }
        }
        if (toleranceSeconds != null && (toleranceSeconds < 1 || toleranceSeconds > 86_400)) {
            errors.add(new FieldError(Field.TOLERANCE_SECONDS.path(), "must be between 1 and 86400"));
        }
        for (Field f : List.of(Field.HEADER, Field.TIMESTAMP_HEADER, Field.ID_HEADER)) {
            if (value(f) instanceof String name && !HEADER_NAME.matcher(name).matches()) {
                errors.add(new FieldError(f.path(), "is not a header name"));
            }
        }
        errors.addAll(provider.scheme.optionProblems(this));
        return errors;
    }
}
