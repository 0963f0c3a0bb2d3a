package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.common.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Per-source settings. Which fields apply depends on the provider: {@code toleranceSeconds} for
 * schemes with a timestamp; {@code header}, {@code prefix}, {@code algorithm}, {@code encoding},
 * {@code timestampHeader} and {@code signedContent} for the generic {@code hmac} scheme;
 * {@code header} for {@code token} (default: {@code Authorization: Bearer}); {@code idHeader} for the
 * generic schemes, naming a header that carries the sender's event id. For {@code hmac} that id
 * deduplicates only when {@code signedContent} signs it ({@code {id}}): an unsigned header is
 * whatever a replayer wants it to be.
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
        String idHeader) {

    static final SourceOptions NONE = new SourceOptions(null, null, null, null, null, null, null, null);
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

    /** What the options may say for this provider; every problem, not just the first. */
    List<FieldError> problems(Provider provider) {
        List<FieldError> errors = new ArrayList<>();
        boolean generic = provider == Provider.HMAC;
        if (toleranceSeconds != null) {
            if (!provider.hasTimestamp() && !(generic && timestampHeader != null)) {
                errors.add(new FieldError("options.toleranceSeconds", "does not apply to " + provider.wire()));
            } else if (toleranceSeconds < 1 || toleranceSeconds > 86_400) {
                errors.add(new FieldError("options.toleranceSeconds", "must be between 1 and 86400"));
            }
        }
        if (generic && header == null) errors.add(new FieldError("options.header", "is required for hmac"));
        if (header != null && !(generic || provider == Provider.TOKEN)) {
            errors.add(new FieldError("options.header", "does not apply to " + provider.wire()));
        }
        for (var f :
                new String[][] {{"header", header}, {"timestampHeader", timestampHeader}, {"idHeader", idHeader}}) {
            if (f[1] != null && !HEADER_NAME.matcher(f[1]).matches()) {
                errors.add(new FieldError("options." + f[0], "is not a header name"));
            }
        }
        if (!generic) {
            for (var f : new Object[][] {
                {"prefix", prefix},
                {"algorithm", algorithm},
                {"encoding", encoding},
                {"timestampHeader", timestampHeader},
                {"signedContent", signedContent}
            }) {
                if (f[1] != null) errors.add(new FieldError("options." + f[0], "applies to hmac only"));
            }
        }
        if (prefix != null && prefix.length() > 50) errors.add(new FieldError("options.prefix", "is longer than 50"));
        if (signedContent != null) {
            if (!signedContent.contains("{body}")) {
                errors.add(new FieldError("options.signedContent", "must contain {body}"));
            } else if (signedContent.contains("{timestamp}") && timestampHeader == null) {
                errors.add(new FieldError(
                        "options.signedContent", "uses {timestamp}, so options.timestampHeader is required"));
            } else if (signedContent.contains("{id}") && idHeader == null) {
                errors.add(new FieldError("options.signedContent", "uses {id}, so options.idHeader is required"));
            } else if (signedContent.length() > 200) {
                errors.add(new FieldError("options.signedContent", "is longer than 200"));
            }
        }
        if (generic && timestampHeader != null && (signedContent == null || !signedContent.contains("{timestamp}"))) {
            // A timestamp the signature does not cover can be refreshed by anyone replaying the request.
            errors.add(new FieldError(
                    "options.signedContent", "must contain {timestamp} when options.timestampHeader is set"));
        }
        if (idHeader != null && !provider.usesIdHeader()) {
            errors.add(new FieldError("options.idHeader", "does not apply to " + provider.wire()));
        }
        return errors;
    }
}
