package dev.switchboard.gateway;

import dev.switchboard.common.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider's answer says about its own limits, read from the headers providers use:
 * {@code Retry-After} (seconds or an HTTP date, RFC 9110), {@code X-RateLimit-Limit/Remaining/Reset}
 * (GitHub, SendGrid, Twilio…: the reset an epoch second when it looks like one, else seconds from
 * now), the IETF {@code RateLimit-Limit/Remaining/Reset} fields of the earlier drafts (Resend), and
 * the structured {@code RateLimit: "name";r=…;t=…} with {@code RateLimit-Policy: …;q=…;w=…} of the
 * later ones.
 *
 * @param pause how long to send nothing (null: no pause asked)
 * @param spacing when calls may go on but few remain: at most one per this until {@code resumeIn}
 * @param resumeIn when the provider's window resets (with {@code spacing})
 */
record ProviderSignals(Duration pause, Duration spacing, Duration resumeIn, String reason) {

    static final ProviderSignals NONE = new ProviderSignals(null, null, null, null);

    /** Below this share of the provider's limit left, calls are spread over the time to its reset. */
    static final double LOW_SHARE = 0.1;

    /** A 429 that says nothing about when: back off this long. */
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

    /** The longest pause any header may impose: a provider's (or a hostile double's) "a year" is capped. */
    static final Duration MAX_PAUSE = Duration.ofHours(1);

    private static final Pattern R = Pattern.compile("(?:^|[;,\\s])(?:r|remaining)=(\\d+)");
    private static final Pattern T = Pattern.compile("(?:^|[;,\\s])(?:t|reset)=(\\d+)");
    private static final Pattern L = Pattern.compile("(?:^|[;,\\s])(?:q|limit)=(\\d+)");

    static ProviderSignals read(int status, Map<String, List<String>> headers, Instant now) {
        Duration retryAfter =
                RetryAfter.parse(first(headers, "retry-after"), now).orElse(null);
        if ((status == 429 || status == 503) && retryAfter != null) {
            return pause(retryAfter, "Retry-After on " + status);
        }

        Long remaining = number(first(headers, "x-ratelimit-remaining"));
        Long reset = number(first(headers, "x-ratelimit-reset"));
        Long limit = number(first(headers, "x-ratelimit-limit"));
        String family = "X-RateLimit";
        if (remaining == null) {
            remaining = number(first(headers, "ratelimit-remaining"));
            reset = number(first(headers, "ratelimit-reset"));
            limit = number(first(headers, "ratelimit-limit"));
            family = "RateLimit";
        }
        if (remaining == null) {
            String structured = first(headers, "ratelimit");
            if (structured != null) {
                remaining = match(R, structured);
                reset = match(T, structured);
                Long q = match(L, structured);
                String policy = first(headers, "ratelimit-policy");
                limit = q != null ? q : policy == null ? null : match(L, policy);
                family = "RateLimit";
            }
        }
        Duration untilReset = reset == null ? null : untilReset(reset, now);
        if (remaining != null && remaining <= 0) {
            return pause(untilReset != null ? untilReset : DEFAULT_PAUSE, family + " remaining 0");
        }
        if (status == 429) return pause(untilReset != null ? untilReset : DEFAULT_PAUSE, "429");
        if (remaining != null
                && limit != null
                && limit > 0
                && untilReset != null
                && !untilReset.isZero()
                && remaining < limit * LOW_SHARE) {
            Duration resumeIn = cap(untilReset);
            return new ProviderSignals(
                    null, resumeIn.dividedBy(remaining), resumeIn, family + " remaining " + remaining + "/" + limit);
        }
        return NONE;
    }

    boolean any() {
        return pause != null || spacing != null;
    }

    private static ProviderSignals pause(Duration d, String reason) {
        Duration capped = cap(d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d);
        return new ProviderSignals(capped, null, capped, reason);
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : d;
    }

    /** An epoch second (anything past 2001) is a moment; a smaller number is seconds from now. */
    private static Duration untilReset(long reset, Instant now) {
        if (reset > 1_000_000_000L) {
            Duration d = Duration.between(now, Instant.ofEpochSecond(reset));
            return d.isNegative() ? Duration.ZERO : d;
        }
        return Duration.ofSeconds(reset);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey() != null
                    && e.getKey().toLowerCase(Locale.ROOT).equals(name)
                    && !e.getValue().isEmpty()) return e.getValue().get(0);
        }
        return null;
    }

    private static Long match(Pattern p, String value) {
        Matcher m = p.matcher(value);
        return m.find() ? number(m.group(1)) : null;
    }

    private static Long number(String v) {
        if (v == null) return null;
        String t = v.trim();
        if (t.isEmpty() || t.length() > 18) return null;
        for (int i = 0; i < t.length(); i++) if (!Character.isDigit(t.charAt(i))) return null;
        return Long.parseLong(t);
    }
}
