package dev.switchboard.calllog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes call-log rows behind the calls they describe: a bounded queue that one thread empties
 * every {@code flush-interval} (a few ms) in one multi-row transaction. A proxied call then costs
 * no commit (no WAL flush) of its own; a burst of N calls costs a few commits, not N.
 *
 * <p>What this changes: a row is in the table a few ms after its call, not before the call
 * returns. Reads of the log on this node ({@link Calls}) {@link #flush} first, so they see every
 * call this node made. A graceful shutdown writes everything queued before the database closes
 * ({@link #destroy}); a crash ({@code kill -9}, power loss) loses the rows still queued, at most
 * one flush interval's worth plus the batch being written. The call log is a record of what was
 * sent, not a promise the platform made: the outbox job states (queued, in flight, succeeded …)
 * stay synchronous and fenced and are not written here. When the queue is full the caller writes
 * its own row at once (back-pressure, nothing dropped).
 */
@Component
class CallWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CallWriter.class);
    private static final int BATCH = 500;
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(10);

    private final CallRepository calls;
    private final TransactionTemplate batchTx;
    private final TransactionTemplate rowTx;
    private final BlockingQueue<CallRepository.Row> queue;
    private final long lingerNanos;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    /** Rows offered to the queue, and rows taken from it and written (or given up on). */
    private long queued;

    private long done;
    private volatile boolean closed;

    CallWriter(CallRepository calls, CallLogProperties properties, PlatformTransactionManager transactions) {
        this.calls = calls;
        // Rows are written on their own, whatever transaction a caller holds: a failed insert would
        // doom the caller's transaction on PostgreSQL.
        this.batchTx = new TransactionTemplate(transactions);
        this.batchTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.rowTx = new TransactionTemplate(transactions);
        this.rowTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
        this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
        this.lingerNanos = properties.flushInterval().toNanos();
        this.thread =
                Thread.ofPlatform().name("switchboard:call-log-writer").daemon().start(this::run);
    }

    /** Queues a row (or, when the queue is full or closed, writes it now); never throws for a write failure. */
    void write(CallRepository.Row row) {
        if (!closed) {
            lock.lock();
            try {
                if (queue.offer(row)) {
                    queued++;
                    row = null;
                }
            } finally {
                lock.unlock();
            }
            // Queued as the node began to stop: the writer may be gone already, so write it here.
            if (row == null) {
                if (closed) drain();
                return;
            }
        }
        writeOne(row);
    }

    /** Waits until every row queued before this call is in the table (bounded: 10 s). */
    void flush() {
        long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
        lock.lock();
        try {
            long target = queued;
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) break;
                progress.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (closed) drain();
    }

    private void run() {
        List<CallRepository.Row> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                CallRepository.Row first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                // Linger a few ms so a burst shares one transaction; a full batch goes at once.
                long until = System.nanoTime() + lingerNanos;
                while (batch.size() < BATCH && !closed) {
                    long left = until - System.nanoTime();
                    if (left <= 0) break;
                    CallRepository.Row next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                }
                queue.drainTo(batch, BATCH - batch.size());
                writeAll(batch);
            } catch (InterruptedException e) {
                // Only close() interrupts, and it drains what is left itself.
                if (closed) break;
            } catch (Throwable e) {
                if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) throw fatal;
                log.warn("The call-log writer failed and goes on: {}", e.toString());
            } finally {
                finished(batch.size());
                batch.clear();
            }
        }
    }

    /** One transaction for the batch; should it fail, row by row, so one bad row costs only itself. */
    private void writeAll(List<CallRepository.Row> batch) {
        if (batch.isEmpty()) return;
        try {
            batchTx.executeWithoutResult(s -> calls.insertAll(batch));
        } catch (RuntimeException e) {
            log.warn("A batch of {} call-log rows failed ({}); writing them one by one", batch.size(), e.toString());
            for (CallRepository.Row row : batch) writeOne(row);
        }
    }

    private void writeOne(CallRepository.Row row) {
        try {
            rowTx.executeWithoutResult(s -> calls.insert(row));
        } catch (RuntimeException e) {
            log.warn(
                    "A provider call was not recorded in the call log (connection {}): {}",
                    row.connectionId(),
                    e.toString());
        }
    }

    private void finished(int n) {
        if (n == 0) return;
        lock.lock();
        try {
            done += n;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Writes whatever is queued on the calling thread. */
    private void drain() {
        List<CallRepository.Row> rest = new ArrayList<>();
        while (queue.drainTo(rest, BATCH) > 0) {
            writeAll(rest);
            finished(rest.size());
            rest.clear();
        }
    }

    /**
     * Graceful shutdown: no more queueing, the writer empties the queue, and what it could not (it
     * died, or took too long) is written here. Runs before the database closes (this bean depends on
     * it) and after the beans that make calls (they depend on the call log).
     */
    @Override
    public void destroy() throws InterruptedException {
        closed = true;
        thread.join(FLUSH_WAIT.toMillis());
        if (thread.isAlive()) thread.interrupt();
        drain();
    }
}
