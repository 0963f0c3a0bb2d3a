package dev.switchboard.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A module's retention loop: on a {@link PollingWorker} of its own (so a long purge delays no other
 * background work), started and stopped with the application, it runs each of the module's purges in
 * turn, in batches of {@link #BATCH} (each its own short statement or transaction, as the module's
 * repository makes it) so that no writer waits behind a long delete, until a batch is short. A module
 * subclasses it as its retention component and passes its purges in the order they must run; the SQL
 * stays in the module's repository.
 */
public class RetentionWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionWorker.class);
    public static final int BATCH = 500;
    /** Each scheduled run does up to this many batches of each purge; the next waits for the interval. */
    static final int BATCHES_PER_RUN = 100;

    /** Deletes (or purges) at most {@code limit} rows older than {@code cutoff}; returns how many. */
    @FunctionalInterface
    public interface Batch {
        int purge(Instant cutoff, int limit);
    }

    /** One kind of row the module purges: {@code label} for the log, kept for {@code retention}. */
    public record Purge(String label, Duration retention, Batch batch) {}

    private final String name;
    private final Clock clock;
    private final List<Purge> purges;
    private final PollingWorker worker;

    protected RetentionWorker(String name, Duration interval, Clock clock, List<Purge> purges) {
        this.name = name;
        this.clock = clock;
        this.purges = List.copyOf(purges);
        this.worker = new PollingWorker(name, interval, Integer.MAX_VALUE, () -> run(BATCHES_PER_RUN));
    }

    /**
     * Runs up to {@code maxBatches} batches of each purge, in order, with one cutoff per purge taken
     * from one reading of the clock; returns the rows touched.
     */
    public int run(int maxBatches) {
        Instant now = Sql.now(clock);
        int touched = 0;
        StringJoiner each = new StringJoiner(", ");
        for (Purge p : purges) {
            Instant cutoff = now.minus(p.retention());
            int done = 0;
            for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
                n = p.batch().purge(cutoff, BATCH);
                done += n;
            }
            if (done > 0) each.add(p.label() + " " + done);
            touched += done;
        }
        if (touched > 0) log.info("{} purged {} rows ({})", name, touched, each);
        return touched;
    }

    @Override
    public void start() {
        worker.start();
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
