package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Ingest slows down while processing is behind: how far behind a claim says processing is, and the
 * pause that asks of the writers before each batch. (The effect on a sustained run is in
 * docs/BENCHMARKS.md: it is a rate over minutes, which no timed test may measure.)
 */
class IngestPacingTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    static final Duration ALLOWED = Duration.ofSeconds(2);
    static final Duration MAX = Duration.ofMillis(100);

    static List<EventRepository.Claimed> claimed(int n, Instant oldest) {
        return IntStream.range(0, n)
                .mapToObj(i -> new EventRepository.Claimed(row(oldest.plusMillis(i)), new byte[0]))
                .toList();
    }

    static EventRow row(Instant due) {
        return new EventRow(
                "evt_" + due.toEpochMilli(),
                "t",
                "src",
                Provider.NONE,
                "k" + due.toEpochMilli(),
                null,
                "x",
                null,
                null,
                null,
                due,
                "text/plain",
                java.util.Map.of(),
                0,
                null,
                "none",
                "received",
                1,
                1,
                due,
                null,
                null,
                null,
                null);
    }

    @Test
    void aFullClaimSaysHowLongItsOldestEventWaitedAndAPartialOneThatNothingWaits() {
        assertThat(EventProcessor.lag(claimed(100, NOW.minusSeconds(7)), 100, NOW))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(EventProcessor.lag(claimed(99, NOW.minusSeconds(7)), 100, NOW))
                .isZero();
        assertThat(EventProcessor.lag(List.of(), 100, NOW)).isZero();
        // Due later than this node's clock (another node's, ahead): not behind.
        assertThat(EventProcessor.lag(claimed(100, NOW.plusSeconds(1)), 100, NOW))
                .isZero();
    }

    @Test
    void writersPauseTenMillisecondsPerSecondPastTheAllowedLagUpToTheMost() {
        assertThat(IngestWriter.pause(Duration.ZERO, ALLOWED, MAX)).isZero();
        assertThat(IngestWriter.pause(ALLOWED, ALLOWED, MAX)).isZero();
        assertThat(IngestWriter.pause(Duration.ofSeconds(3), ALLOWED, MAX)).isEqualTo(10);
        assertThat(IngestWriter.pause(Duration.ofMillis(6500), ALLOWED, MAX)).isEqualTo(45);
        assertThat(IngestWriter.pause(Duration.ofMinutes(5), ALLOWED, MAX)).isEqualTo(100);
        // Turned off.
        assertThat(IngestWriter.pause(Duration.ofMinutes(5), Duration.ZERO, MAX))
                .isZero();
    }
}
