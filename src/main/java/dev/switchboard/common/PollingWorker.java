package dev.switchboard.common;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background loop on a virtual thread that runs a batch, then, when the batch was not full,
 * waits for the poll interval or a {@link #wake()} (sent after a commit that created work), and
 * goes on. The work itself is claimed from the database, so stopping a node loses nothing.
 * Failures, {@link Error}s included, are logged and the loop continues.
 */
public final class PollingWorker {

    private static final Logger log = LoggerFactory.getLogger(PollingWorker.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Duration pollInterval;
    private final int batchSize;
    private final IntSupplier runOnce;
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread loop;
    private volatile boolean stopping;

    /** @param runOnce claims and handles one batch; returns how many items it claimed */
    public PollingWorker(String name, Duration pollInterval, int batchSize, IntSupplier runOnce) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.runOnce = runOnce;
    }

    public void wake() {
        if (wake.availablePermits() == 0) wake.release();
    }

    public synchronized void start() {
        if (loop != null) return;
        stopping = false;
        loop = Thread.ofVirtual().name(name).start(() -> {
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                try {
                    if (runOnce.getAsInt() < batchSize) {
                        wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    // Keep going, whatever it was (db-scheduler's RunUntilShutdown): the database may be
                    // briefly unavailable, or one batch hit an Error; a dead loop would stop the node's work.
                    log.warn("{} failed; retrying after {}", name, pollInterval, e);
                    try {
                        wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
    }

    /**
     * Lets the batch in hand finish, then ends the loop. Only a batch still running after the grace
     * period is interrupted: an interrupt in the middle of database or file I/O aborts it (and an
     * executor closed by an interrupt cancels its tasks), so it is the last resort, not the signal.
     */
    public synchronized void stop() {
        Thread t = loop;
        loop = null;
        if (t == null) return;
        stopping = true;
        wake.release();
        try {
            if (!t.join(STOP_GRACE)) {
                t.interrupt();
                t.join(STOP_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean running() {
        return loop != null;
    }
}
