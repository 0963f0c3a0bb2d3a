package dev.switchboard.gateway;

import dev.switchboard.connections.ConnectionAccess.Limits;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** The windows a provider's limits are counted in; a month refills over 30 days and starts on the 1st (UTC). */
enum Window {
    SECOND(Duration.ofSeconds(1)),
    MINUTE(Duration.ofMinutes(1)),
    HOUR(Duration.ofHours(1)),
    DAY(Duration.ofDays(1)),
    MONTH(Duration.ofDays(30));

    final Duration length;

    Window(Duration length) {
        this.length = length;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This window's rate in the limits, or null. */
    Integer rate(Limits l) {
        return switch (this) {
            case SECOND -> l.perSecond();
            case MINUTE -> l.perMinute();
            case HOUR -> l.perHour();
            case DAY -> l.perDay();
            case MONTH -> l.perMonth();
        };
    }

    /** Where the calendar window holding {@code at} starts: the unit a crossing is reported once per. */
    Instant start(Instant at) {
        if (this == MONTH) {
            LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
            return d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        long ms = length.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), ms) * ms);
    }
}
