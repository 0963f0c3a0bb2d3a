package dev.switchboard.analytics;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The catch-up job that keeps the rollups. Each run of a stream, in one transaction: lock its
 * watermark, recompute every minute bucket from {@code watermark − settle} to now (at most {@code
 * maxSpan}) from the stream's facts, replace those rows, rebuild the day rows of the days touched
 * from their minute rows, and move the watermark. Whole buckets are replaced, never incremented, so
 * a run that dies halfway leaves nothing behind and the next run computes the same rows; the
 * {@code settle} margin picks up facts written late (an attempt's row lands when it ends).
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
            if (mark == null) {
                var earliest = stream.earliest();
                if (earliest.isEmpty()) {
                    // Nothing yet: start from now, less the margin for facts still being written.
                    rollups.setWatermark(stream.name(), now.minus(properties.settle()));
                    return true;
                }
                from = earliest.get().truncatedTo(ChronoUnit.MINUTES);
            } else {
                from = mark.minus(properties.settle()).truncatedTo(ChronoUnit.MINUTES);
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
            for (Instant day = from.truncatedTo(ChronoUnit.DAYS);
                    day.isBefore(to);
                    day = day.plus(Duration.ofDays(1))) {
                rebuildDay(stream, day, afterBatch);
            }
            rollups.setWatermark(stream.name(), to);
            return caughtUp;
        });
        return Boolean.TRUE.equals(done);
    }

    /** A day's rows are the merge of its minute rows. */
    private void rebuildDay(FactStream stream, Instant day, IntConsumer afterBatch) {
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
