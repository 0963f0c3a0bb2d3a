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

    /**
     * A batch that did work (claimed items) or failed, as the job log records it; {@code error} is
     * null when it ran through. {@code took} is wall time: the recorder stamps it with its own clock.
     */
    public record Run(String name, Duration took, int processed, int failed, String error) {}

    /** Where runs go; set by a bean (the operations module's job log), none by default. */
    @FunctionalInterface
    public interface Recorder {
        void record(Run run);
    }

    private static volatile Recorder current;
    /** Items of the batch in hand that failed, as its code reports them with {@link #itemsFailed}. */
    private static final ThreadLocal<int[]> FAILED = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Sends the runs of every worker started from now on to {@code r}. Workers are made with
     * {@code new} by every module, so the recorder is process-wide, and each worker takes the one
     * current when it starts: the recorder's bean starts before the workers (an early lifecycle
     * phase), so each application context's workers record to that context's log, even with several
     * contexts in one JVM (tests).
     */
    public static void recordRunsWith(Recorder r) {
        current = r;
    }

    /** Workers started from now on record nowhere, if {@code r} is still the recorder. */
    public static void stopRecording(Recorder r) {
        if (current == r) current = null;
    }

    /** Called on the worker's thread by a batch that handled some items without success. */
    public static void itemsFailed(int n) {
        FAILED.get()[0] += n;
    }

    private final String name;
    private final Duration pollInterval;
    private final int batchSize;
    private final IntSupplier runOnce;
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread loop;
    private volatile boolean stopping;
    private volatile Recorder recorder;

    /** @param runOnce claims and handles one batch; returns how many items it claimed */
    public PollingWorker(String name, Duration pollInterval, int batchSize, IntSupplier runOnce) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.runOnce = runOnce;
    }

    /** Idle polls (nothing claimed, nothing thrown) are not recorded: they would be most of the rows. */
    private void record(long started, int claimed, Throwable error) {
        Recorder r = recorder;
        if (r == null) return;
        try {
            String why = error == null ? null : describe(error);
            r.record(new Run(name, Duration.ofNanos(System.nanoTime() - started), claimed, FAILED.get()[0], why));
        } catch (RuntimeException e) {
            log.warn("Could not record a run of {}", name, e);
        }
    }

    /** The class and the first line of the message, short: what the log shows in full. */
    private static String describe(Throwable e) {
        String m =
                e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        String s = e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    public void wake() {
        if (wake.availablePermits() == 0) wake.release();
    }

    public synchronized void start() {
        if (loop != null) return;
        stopping = false;
        recorder = current;
        loop = Thread.ofVirtual().name(name).start(() -> {
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                long started = System.nanoTime();
                FAILED.get()[0] = 0;
                try {
                    int claimed = runOnce.getAsInt();
                    if (claimed > 0) record(started, claimed, null);
                    if (claimed < batchSize) {
                        wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    // Keep going, whatever it was (db-scheduler's RunUntilShutdown): the database may be
                    // briefly unavailable, or one batch hit an Error; a dead loop would stop the node's work.
                    log.warn("{} failed; retrying after {}", name, pollInterval, e);
                    record(started, 0, e);
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
