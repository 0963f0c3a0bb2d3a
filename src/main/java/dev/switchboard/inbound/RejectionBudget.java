package dev.switchboard.inbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * How many rejected requests a node still records for a source this minute. Anyone can post bad
 * signatures to an ingest URL as fast as they like; without a cap each would be a row. Counted in
 * memory per node (a cluster records at most nodes × the limit per minute), in fixed minute windows
 * of the injected clock.
 */
@Component
class RejectionBudget {

    /** One source's count in one minute; a new minute starts a new window. */
    private record Window(long minute, AtomicInteger used) {}

    private final int perMinute;
    private final Clock clock;
    // Bounded, and idle sources age out: memory does not grow with the number of sources attacked.
    private final Cache<String, Window> windows = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();

    RejectionBudget(InboundProperties properties, Clock clock) {
        this.perMinute = properties.rejectionsPerMinute();
        this.clock = clock;
    }

    /** True when this rejection may be recorded; false when the source's budget for the minute is spent. */
    boolean tryRecord(String sourceId) {
        long minute = Math.floorDiv(clock.millis(), 60_000L);
        Window w = windows.asMap()
                .compute(
                        sourceId,
                        (id, old) ->
                                old != null && old.minute() == minute ? old : new Window(minute, new AtomicInteger()));
        return w.used().incrementAndGet() <= perMinute;
    }
}
