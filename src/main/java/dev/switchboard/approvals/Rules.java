package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The pure part of approval gates: reading a job's {@code "approval"} field and a rule's definition
 * (each failure a 400 naming its field), and deciding which rule, if any, holds a job.
 */
final class Rules {

    static final Duration MIN_EXPIRY = Duration.ofMinutes(1);
    static final Duration MAX_EXPIRY = Duration.ofDays(30);
    private static final Set<String> APPROVAL_FIELDS = Set.of("required", "reason", "expiresIn", "batch", "fourEyes");

    private Rules() {}

    /** A job's own request for approval, as its {@code "approval"} field says; all optional. */
    record Ask(boolean required, String reason, Duration expiresIn, String batch, boolean fourEyes) {
        static final Ask NONE = new Ask(false, null, null, null, false);
    }

    /** What a job shows the rules. {@code batchSize} counts this job; 0 without a batch. */
    record Candidate(String provider, String path, Map<String, String> metadata, int batchSize) {}

    static Ask ask(JsonNode approval) {
        if (approval == null || approval.isNull() || approval.isMissingNode()) return Ask.NONE;
        if (!approval.isObject()) throw ApiException.invalid("approval", "must be an object");
        for (String name : approval.propertyNames()) {
            if (!APPROVAL_FIELDS.contains(name)) {
                throw ApiException.invalid(
                        "approval." + name,
                        "is not a field of approval (required, reason," + " expiresIn, batch, fourEyes)");
            }
        }
        return new Ask(
                bool(approval.get("required"), "approval.required"),
                text(approval.get("reason"), "approval.reason", 1000),
                duration(approval.get("expiresIn"), "approval.expiresIn"),
                text(approval.get("batch"), "approval.batch", 200),
                bool(approval.get("fourEyes"), "approval.fourEyes"));
    }

    /** The first rule (oldest first) whose every condition the job meets. */
    static Optional<ApprovalRuleRepository.Rule> match(List<ApprovalRuleRepository.Rule> rules, Candidate job) {
        return rules.stream().filter(r -> matches(r, job)).findFirst();
    }

    static boolean matches(ApprovalRuleRepository.Rule r, Candidate job) {
        if (r.provider() != null && !r.provider().equals(job.provider())) return false;
        if (r.pathPattern() != null
                && !glob(r.pathPattern()).matcher(job.path()).matches()) return false;
        for (var e : r.metadata().entrySet()) {
            if (!e.getValue().equals(job.metadata().get(e.getKey()))) return false;
        }
        return r.batchOver() == null || job.batchSize() > r.batchOver();
    }

    /** {@code *} within one path segment, {@code **} across segments; everything else as written. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** A rule's definition as the API takes it: at least one condition. */
    record RuleInput(
            String name,
            String provider,
            String pathPattern,
            JsonNode metadata,
            Integer batchLargerThan,
            Boolean fourEyes,
            JsonNode expiresIn) {}

    record Checked(
            String name,
            String provider,
            String pathPattern,
            Map<String, String> metadata,
            Integer batchOver,
            boolean fourEyes,
            Duration expiresIn) {}

    static Checked rule(RuleInput in) {
        String name = text(in.name(), "name", 200);
        if (name == null || name.isBlank()) throw ApiException.invalid("name", "is required");
        String provider = text(in.provider(), "provider", 64);
        String path = text(in.pathPattern(), "pathPattern", 2000);
        if (path != null && !path.startsWith("/")) throw ApiException.invalid("pathPattern", "must start with '/'");
        Map<String, String> metadata = new LinkedHashMap<>();
        if (in.metadata() != null && !in.metadata().isNull()) {
            if (!in.metadata().isObject())
                throw ApiException.invalid("metadata", "must be an object of names to strings");
            for (var e : in.metadata().properties()) {
                if (!e.getValue().isString()
                        || e.getKey().isEmpty()
                        || e.getKey().length() > 64) {
                    throw ApiException.invalid("metadata", "names must be 1 to 64 characters and values strings");
                }
                metadata.put(e.getKey(), e.getValue().asString());
            }
            if (metadata.size() > 20) throw ApiException.invalid("metadata", "at most 20 entries");
        }
        Integer batchOver = in.batchLargerThan();
        if (batchOver != null && (batchOver < 0 || batchOver > 1_000_000)) {
            throw ApiException.invalid("batchLargerThan", "must be between 0 and 1000000");
        }
        if (provider == null && path == null && metadata.isEmpty() && batchOver == null) {
            throw ApiException.invalid(
                    "provider", "a rule needs a condition: provider, pathPattern, metadata or" + " batchLargerThan");
        }
        return new Checked(
                name,
                provider,
                path,
                metadata,
                batchOver,
                Boolean.TRUE.equals(in.fourEyes()),
                duration(in.expiresIn(), "expiresIn"));
    }

    /** An ISO-8601 duration ({@code "PT2H"}) or a number of seconds, between a minute and 30 days; null when absent. */
    static Duration duration(JsonNode v, String field) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        Duration d;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            d = Duration.ofSeconds(v.asLong());
        } else if (v.isString()) {
            try {
                d = Duration.parse(v.asString());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid(field, "must be an ISO-8601 duration such as PT24H, or seconds");
            }
        } else {
            throw ApiException.invalid(field, "must be an ISO-8601 duration such as PT24H, or seconds");
        }
        if (d.compareTo(MIN_EXPIRY) < 0 || d.compareTo(MAX_EXPIRY) > 0) {
            throw ApiException.invalid(field, "must be between 1 minute and 30 days");
        }
        return d;
    }

    private static boolean bool(JsonNode v, String field) {
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(field, "must be true or false");
        return v.asBoolean();
    }

    private static String text(JsonNode v, String field, int max) {
        if (v == null || v.isNull()) return null;
        if (!v.isString()) throw ApiException.invalid(field, "must be a string");
        return text(v.asString(), field, max);
    }

    static String text(String s, String field, int max) {
        if (s == null) return null;
        if (s.length() > max || s.indexOf('\0') >= 0) {
            throw ApiException.invalid(field, "must be at most " + max + " characters");
        }
        return s;
    }
}
