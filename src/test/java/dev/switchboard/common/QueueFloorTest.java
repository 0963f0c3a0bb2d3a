package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The bound a queue's reads start from: the oldest waiting row's due time, at most the allowance
 * before its read, read again a refresh later or when the clock goes back. (What the bound saves a
 * read is in EventPlansTest and DeliveryPlansTest; that a row below it is still processed, in
 * StaleClaimTest.)
 */
class QueueFloorTest {

    static final Instant T = Instant.parse("2026-12-04T10:00:00Z");

    final AtomicReference<Optional<Instant>> oldest = new AtomicReference<>(Optional.empty());
    final AtomicInteger reads = new AtomicInteger();
    final QueueFloor floor = new QueueFloor(() -> {
        reads.incrementAndGet();
        return oldest.get();
    });

    @Test
    void anEmptyQueuesFloorIsTheAllowanceBeforeTheRead() {
        assertThat(floor.at(T)).isEqualTo(T.minus(QueueFloor.ALLOWANCE));
    }

    @Test
    void theOldestWaitingRowIsTheFloorAndARecentOneOnlyTheAllowanceBefore() {
        oldest.set(Optional.of(T.minusSeconds(3600)));
        assertThat(floor.at(T)).isEqualTo(T.minusSeconds(3600));
        Instant later = T.plus(QueueFloor.REFRESH);
        oldest.set(Optional.of(later.minusSeconds(1)));
        assertThat(floor.at(later)).isEqualTo(later.minus(QueueFloor.ALLOWANCE));
    }

    @Test
    void itIsReadOnceARefreshAndAtOnceWhenTheClockGoesBack() {
        oldest.set(Optional.of(T.minusSeconds(60)));
        floor.at(T);
        oldest.set(Optional.of(T.minusSeconds(30)));
        Instant justBefore = T.plus(QueueFloor.REFRESH).minus(Duration.ofMillis(1));
        assertThat(floor.at(justBefore)).isEqualTo(T.minusSeconds(60));
        assertThat(reads).hasValue(1);
        assertThat(floor.at(T.plus(QueueFloor.REFRESH))).isEqualTo(T.minusSeconds(30));
        assertThat(reads).hasValue(2);
        // A clock put back (a test's, or a node's corrected): rows written now may be below the bound.
        oldest.set(Optional.empty());
        assertThat(floor.at(T.minusSeconds(600))).isEqualTo(T.minusSeconds(600).minus(QueueFloor.ALLOWANCE));
        assertThat(reads).hasValue(3);
    }
}
