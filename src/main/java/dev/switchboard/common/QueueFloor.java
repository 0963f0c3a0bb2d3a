package dev.switchboard.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A lower bound on the due times of a work queue's waiting rows, for reads of the queue's index in
 * due order to start from ({@code next_attempt_at >= :floor}) instead of the index's first entry.
 *
 * <p>A row that is done leaves the queue's partial index only when VACUUM removes its entry. Until
 * then every read in due order steps over the entries of the rows already done, and those sort first:
 * with autovacuum off or behind, a claim after 400,000 processed events read 2,000 index pages to
 * reach the first waiting row (680 ms the first time, when it also visits each dead row; 9 ms after,
 * once they are marked), and each claim reads more than the last. From the bound it reads a few.
 *
 * <p>The bound is the oldest waiting row's due time, leased rows included, read again every {@link
 * #REFRESH} of the clock (and at once if the clock went back), but never later than {@link
 * #ALLOWANCE} before the read. It holds because every write that makes a row wait gives it its
 * writer's now or later as the due time. A row below it (written by a transaction that committed
 * more than the allowance after it read its clock, or on a node whose clock is that far behind) is
 * found by the next read of the oldest: later, never lost.
 *
 * <p>Safe for one caller at a time; a worker's own polling thread is its only caller.
 */
public final class QueueFloor {

    /** How often the oldest waiting row is read: each read walks the dead entries once. */
    public static final Duration REFRESH = Duration.ofSeconds(5);

    /** How far before the read the bound may be at most: covers clocks and commits running late. */
    public static final Duration ALLOWANCE = Duration.ofSeconds(5);

    private final Supplier<Optional<Instant>> oldest;
    private Instant floor;
    private Instant readAt;

    /** @param oldest the due time of the oldest waiting row, leased or not; empty when none waits */
    public QueueFloor(Supplier<Optional<Instant>> oldest) {
        this.oldest = oldest;
    }

    /** The bound for a read at {@code now}. */
    public synchronized Instant at(Instant now) {
        if (readAt == null || now.isBefore(readAt) || !now.isBefore(readAt.plus(REFRESH))) {
            Instant latest = now.minus(ALLOWANCE);
            Instant first = oldest.get().orElse(latest);
            floor = first.isBefore(latest) ? first : latest;
            readAt = now;
        }
        return floor;
    }
}
