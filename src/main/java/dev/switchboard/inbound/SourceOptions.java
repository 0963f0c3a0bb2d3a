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
 *
 * <p>Every provider's source may also set {@code allowedTypes}: the event types it routes (a provider
 * type as the events API shows it, a canonical type, or a prefix ending in {@code .*}); others are
 * answered 200 and stored as {@code ignored}, never routed. And {@code requireHttps}: refuse requests
 * that did not come over TLS (behind a proxy, as its {@code X-Forwarded-Proto} says, believed only
 * from {@code SWITCHBOARD_INBOUND_TRUSTED_PROXIES}).
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
        Boolean testToken,
        List<String> allowedTypes,
        Boolean requireHttps) {

    static final SourceOptions NONE = new SourceOptions(null, null, null, null, null, null, null, null);

    SourceOptions(
            Integer toleranceSeconds,
            String header,
            String prefix,
            Algorithm algorithm,
            Encoding encoding,
            String timestampHeader,
            String signedContent,
            String idHeader,
            Boolean testToken) {
        this(
                toleranceSeconds,
                header,
                prefix,
                algorithm,
                encoding,
                timestampHeader,
                signedContent,
                idHeader,
                testToken,
                null,
                null);
    }

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

    boolean httpsRequired() {
        return Boolean.TRUE.equals(requireHttps);
    }

    /** Whether an event of this type (and canonical type, or null) is routed; true without {@code allowedTypes}. */
    boolean allows(String type, String canonicalType) {
        if (allowedTypes == null || allowedTypes.isEmpty()) return true;
        for (String allowed : allowedTypes) {
            if (allowed.endsWith(".*")) {
                String prefix = allowed.substring(0, allowed.length() - 1);
                if (type.startsWith(prefix) || (canonicalType != null && canonicalType.startsWith(prefix))) return true;
            } else if (allowed.equals(type) || allowed.equals(canonicalType)) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern ALLOWED_TYPE =
            Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}|[A-Za-z0-9_-][A-Za-z0-9_.-]{0,197}\\.\\*");

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
        TEST_TOKEN("testToken"),
        ALLOWED_TYPES("allowedTypes", true),
        REQUIRE_HTTPS("requireHttps", true);

        final String json;
        /** Whether every provider's source may set it, whatever its scheme's {@link Scheme#options()}. */
        final boolean universal;

        Field(String json) {
            this(json, false);
        }

        Field(String json, boolean universal) {
            this.json = json;
            this.universal = universal;
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
            case ALLOWED_TYPES -> allowedTypes;
            case REQUIRE_HTTPS -> requireHttps;
        };
    }

    /** What the options may say for this provider; every problem, not just the first. */
    List<FieldError> problems(Provider provider) {
        List<FieldError> errors = new ArrayList<>();
        Set<Field> accepted = provider.scheme.options();
        for (Field f : Field.values()) {
            if (value(f) != null && !f.universal && !accepted.contains(f)) {
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
        if (allowedTypes != null) {
            // The options are stored as JSON in 4000 characters, with room left for the other fields.
            if (allowedTypes.size() > 100
                    || allowedTypes.stream()
                                    .mapToInt(t -> t == null ? 0 : t.length() + 3)
                                    .sum()
                            > 3000) {
                errors.add(new FieldError(
                        Field.ALLOWED_TYPES.path(), "must list at most 100 types, 3000 characters together"));
            }
            for (int i = 0; i < allowedTypes.size(); i++) {
                String t = allowedTypes.get(i);
                if (t == null || !ALLOWED_TYPE.matcher(t).matches()) {
                    errors.add(new FieldError(
                            Field.ALLOWED_TYPES.path() + "[" + i + "]",
                            "must be an event type (stripe.invoice.paid, payment.succeeded) or a prefix ending in .*"));
                }
            }
        }
        errors.addAll(provider.scheme.optionProblems(this));
        return errors;
    }
}
