package dev.switchboard.analytics;

import dev.switchboard.analytics.RollupRepository.Grain;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The catch-up job that keeps the rollups. Each run of a stream, in one transaction: lock its
 * watermark, recompute every minute bucket from {@code watermark − settle} to now (at most {@code
 * maxSpan}) from the stream's facts, replace those rows, build the day rows of the days that this
 * run made final, and move the watermark. Whole buckets are replaced, never incremented, so a run
 * that dies halfway leaves nothing behind and the next run computes the same rows; the {@code
 * settle} margin picks up facts written late (an attempt's row lands when it ends).
 *
 * <p>A day's rows, and an hour's, are built once, when no later run can recompute any of its minutes
 * (the watermark less the settle margin has passed its end): see {@link #splits}. Until then readers
 * merge the hour or day from its minute rows. So a run's work is bounded by its own span (plus, once
 * an hour, one hour's minute rows, and once a day one day's), not by how much of today is already
 * rolled up. Day rows are built from minute rows, not hour rows, so that they never wait for the hour
 * rows (which, after the upgrade that added them, are built from the oldest minute rows on).
 */
@Component
class Rollups implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Rollups.class);

    private final List<FactStream> streams;
    private final RollupRepository rollups;
    private final AnalyticsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PollingWorker worker;

    Rollups(
            List<FactStream> streams,
            RollupRepository rollups,
            AnalyticsProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.streams = streams;
        this.rollups = rollups;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
        // Batch size 1: a run that is still behind returns 1 and the loop goes on at once.
        this.worker = new PollingWorker("analytics-rollups", properties.pollInterval(), 1, () -> runOnce(n -> {}));
    }

    /** One run of every stream; returns 1 when some stream is still behind, else 0. */
    int runOnce(IntConsumer afterBatch) {
        int behind = 0;
        for (FactStream s : streams) {
            if (!run(s, afterBatch)) behind = 1;
        }
        return behind;
    }

    /** Runs every stream until it has caught up with now; for tests and operators. */
    void catchUp() {
        for (int i = 0; i < 100_000 && runOnce(n -> {}) > 0; i++) {
            // each pass commits a span; keep going
        }
    }

    /** One run of one stream; true when it is caught up with now. */
    boolean run(FactStream stream, IntConsumer afterBatch) {
        Boolean done = tx.execute(status -> {
            Instant now = Sql.now(clock);
            Instant mark = rollups.lockWatermark(stream.name());
            Instant from;
            Instant finalBefore;
            if (mark == null) {
                var earliest = stream.earliest();
                if (earliest.isEmpty()) {
                    // Nothing yet: start from now, less the margin for facts still being written; hour
                    // rows from the hour that holds the first minute a run will recompute.
                    Instant start = now.minus(properties.settle());
                    rollups.setWatermark(stream.name(), start);
                    rollups.setHourRowsTo(stream.name(), finalHourBefore(start));
                    return true;
                }
                from = earliest.get().truncatedTo(ChronoUnit.MINUTES);
                finalBefore = from.truncatedTo(ChronoUnit.DAYS);
            } else {
                from = recomputeFrom(mark);
                finalBefore = finalBefore(mark);
            }
            if (!from.isBefore(now)) return true; // the clock went back: nothing to recompute
            Instant to = from.plus(properties.maxSpan());
            boolean caughtUp = !to.isBefore(now);
            if (caughtUp) to = now;
            Buckets buckets = new Buckets();
            stream.collect(from, to, buckets);
            Instant lastBucket =
                    to.minusNanos(1).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            rollups.delete(Grain.MINUTE, stream.kinds(), from, lastBucket);
            rollups.insert(Grain.MINUTE, buckets.rows(), afterBatch);
            // The days this run made final (usually none; one when the watermark crosses midnight).
            for (Instant day = finalBefore; day.isBefore(finalBefore(to)); day = day.plus(Duration.ofDays(1))) {
                build(stream, Grain.DAY, day, day.plus(Duration.ofDays(1)), afterBatch);
            }
            caughtUp &= buildHours(stream, mark == null ? from.truncatedTo(ChronoUnit.HOURS) : null, to, afterBatch);
            rollups.setWatermark(stream.name(), to);
            return caughtUp;
        });
        return Boolean.TRUE.equals(done);
    }

    /**
     * Builds the hour rows that the watermark moving to {@code to} made final, from where the stream's
     * hour rows end ({@code start} on a stream's first run; after the upgrade that added hour rows, the
     * hour of the oldest minute row: an hour whose oldest minutes retention already purged gets a row for
     * the rest), at most {@code maxSpan} of them per run. Returns
     * whether they are all built.
     */
    private boolean buildHours(FactStream stream, Instant start, Instant to, IntConsumer afterBatch) {
        Instant target = finalHourBefore(to);
        Instant stored = rollups.hourRowsTo(stream.name());
        Instant built = stored != null ? stored : start;
        if (built == null) {
            Instant oldest = rollups.earliest(Grain.MINUTE, stream.kinds());
            built = oldest == null ? target : oldest.truncatedTo(ChronoUnit.HOURS);
        }
        if (!built.isBefore(target)) {
            if (stored == null) rollups.setHourRowsTo(stream.name(), built);
            return true;
        }
        Instant end = built.plus(properties.maxSpan());
        if (end.isAfter(target)) end = target;
        build(stream, Grain.HOUR, built, end, afterBatch);
        rollups.setHourRowsTo(stream.name(), end);
        return end.equals(target);
    }

    /** Where a run after a watermark at {@code mark} starts recomputing minutes. */
    private Instant recomputeFrom(Instant mark) {
        return mark.minus(properties.settle()).truncatedTo(ChronoUnit.MINUTES);
    }

    /** Days before this are final once the watermark is at {@code mark}: no run recomputes their minutes. */
    private Instant finalBefore(Instant mark) {
        return recomputeFrom(mark).truncatedTo(ChronoUnit.DAYS);
    }

    /** Hours before this are final once the watermark is at {@code mark}. */
    private Instant finalHourBefore(Instant mark) {
        return recomputeFrom(mark).truncatedTo(ChronoUnit.HOURS);
    }

    /**
     * Where a kind's coarser rows are final: day rows before {@code days}, hour rows before {@code
     * hours} (null when none are built yet). Readers take minute rows from where the coarser ones end.
     */
    record Split(Instant days, Instant hours) {}

    /** Per kind of row, its {@link Split}. Kinds whose stream was never rolled up (no rows at all) are absent. */
    Map<Kind, Split> splits() {
        Map<Kind, Split> out = new EnumMap<>(Kind.class);
        for (FactStream s : streams) {
            Instant mark = rollups.watermark(s.name());
            if (mark == null) continue;
            Split split = new Split(finalBefore(mark), rollups.hourRowsTo(s.name()));
            for (Kind k : s.kinds()) out.put(k, split);
        }
        return out;
    }

    /** The rows of one grain and these kinds with a bucket in [from, to). */
    record Range(Grain grain, java.util.Set<Kind> kinds, Instant from, Instant to) {}

    /**
     * Which rows hold [from, to) for these kinds (null: every kind), each fact counted once: day rows
     * where they are final (only when {@code days}; else from stays at hour rows), hour rows after them
     * where those are final, minute rows after that. Kinds never rolled up have no range.
     */
    List<Range> ranges(java.util.Set<Kind> kinds, Instant from, Instant to, boolean days) {
        Map<Split, java.util.Set<Kind>> bySplit = new java.util.HashMap<>();
        splits().forEach((kind, split) -> {
            if (kinds == null || kinds.contains(kind)) {
                bySplit.computeIfAbsent(split, x -> java.util.EnumSet.noneOf(Kind.class))
                        .add(kind);
            }
        });
        List<Range> out = new java.util.ArrayList<>();
        bySplit.forEach((split, ofKinds) -> {
            Instant dayEnd = days ? clamp(split.days(), from, to) : from;
            Instant hourEnd =
                    split.hours() == null || split.hours().isBefore(dayEnd) ? dayEnd : clamp(split.hours(), from, to);
            if (from.isBefore(dayEnd)) out.add(new Range(Grain.DAY, ofKinds, from, dayEnd));
            if (dayEnd.isBefore(hourEnd)) out.add(new Range(Grain.HOUR, ofKinds, dayEnd, hourEnd));
            if (hourEnd.isBefore(to)) out.add(new Range(Grain.MINUTE, ofKinds, hourEnd, to));
        });
        return out;
    }

    private static Instant clamp(Instant t, Instant from, Instant to) {
        return t.isBefore(from) ? from : t.isAfter(to) ? to : t;
    }

    /** A day's or an hour's rows are the merge of its minute rows, for [start, end). */
    private void build(FactStream stream, Grain grain, Instant start, Instant end, IntConsumer afterBatch) {
        ChronoUnit unit = grain == Grain.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        Buckets rows = new Buckets();
        rollups.forEach(
                Grain.MINUTE,
                null,
                stream.kinds(),
                start,
                end,
                k -> rows.at(new Buckets.Key(
                        k.tenantId(), k.bucket().truncatedTo(unit), k.kind(), k.subjectId(), k.provider())));
        rollups.delete(grain, stream.kinds(), start, end);
        rollups.insert(grain, rows.rows(), afterBatch);
    }

    @Override
    public void start() {
        if (properties.enabled()) worker.start();
        else log.info("Analytics rollups are off on this node (switchboard.analytics.enabled=false)");
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
