package dev.switchboard.analytics;

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
 * <p>A day's rows are built once, when no later run can recompute any of its minutes (the watermark
 * less the settle margin has passed its end): that is {@link #finalBefore}. Until then readers merge
 * the day from its minute rows. So a run's work is bounded by its own span (plus, once a day, one
 * day's minute rows), not by how much of today is already rolled up.
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
                    // Nothing yet: start from now, less the margin for facts still being written.
                    rollups.setWatermark(stream.name(), now.minus(properties.settle()));
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
            rollups.delete(RollupRepository.Grain.MINUTE, stream.kinds(), from, lastBucket);
            rollups.insert(RollupRepository.Grain.MINUTE, buckets.rows(), afterBatch);
            // The days this run made final (usually none; one when the watermark crosses midnight).
            for (Instant day = finalBefore; day.isBefore(finalBefore(to)); day = day.plus(Duration.ofDays(1))) {
                buildDay(stream, day, afterBatch);
            }
            rollups.setWatermark(stream.name(), to);
            return caughtUp;
        });
        return Boolean.TRUE.equals(done);
    }

    /** Where a run after a watermark at {@code mark} starts recomputing minutes. */
    private Instant recomputeFrom(Instant mark) {
        return mark.minus(properties.settle()).truncatedTo(ChronoUnit.MINUTES);
    }

    /** Days before this are final once the watermark is at {@code mark}: no run recomputes their minutes. */
    private Instant finalBefore(Instant mark) {
        return recomputeFrom(mark).truncatedTo(ChronoUnit.DAYS);
    }

    /**
     * Per kind of row, the UTC midnight before which its day rows are final; from it on, readers merge
     * days from minute rows. Kinds whose stream was never rolled up (no rows at all) are absent.
     */
    Map<Kind, Instant> finalBefore() {
        Map<Kind, Instant> out = new EnumMap<>(Kind.class);
        for (FactStream s : streams) {
            Instant mark = rollups.watermark(s.name());
            if (mark == null) continue;
            for (Kind k : s.kinds()) out.put(k, finalBefore(mark));
        }
        return out;
    }

    /** A day's rows are the merge of its minute rows. */
    private void buildDay(FactStream stream, Instant day, IntConsumer afterBatch) {
        Instant next = day.plus(Duration.ofDays(1));
        Buckets days = new Buckets();
        rollups.forEach(
                RollupRepository.Grain.MINUTE,
                null,
                stream.kinds(),
                day,
                next,
                (k, t) -> days.at(new Buckets.Key(k.tenantId(), day, k.kind(), k.subjectId(), k.provider()))
                        .add(t));
        rollups.delete(RollupRepository.Grain.DAY, stream.kinds(), day, next);
        rollups.insert(RollupRepository.Grain.DAY, days.rows(), afterBatch);
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
