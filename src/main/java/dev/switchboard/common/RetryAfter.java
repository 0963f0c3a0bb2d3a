package dev.switchboard.common;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} header (RFC 9110, section 10.2.3): delay-seconds or an HTTP-date. One reading
 * for everything that honours it (deliveries to endpoints, the outbox, the provider limiter); each
 * caller bounds what it is asked for in its own way.
 */
public final class RetryAfter {

    private RetryAfter() {}

    /**
     * The wait the header asks for at {@code now}: its seconds, or the time until its date (zero for a
     * date already past). Empty when absent or unreadable, a negative number included.
     */
    public static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) return Optional.empty();
        String v = header.strip();
        if (v.matches("[0-9]{1,18}")) return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
