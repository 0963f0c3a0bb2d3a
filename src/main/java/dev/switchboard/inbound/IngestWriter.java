package dev.switchboard.inbound;

import dev.switchboard.common.Dialect;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.RateLimitedException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for ingest. A request hands its verified row to {@link #store} and waits; writer
 * threads take whatever rows have queued up, insert them as one batch in one transaction, and only
 * after the commit tell each request whether its row went in or was a duplicate. So a 200 still
 * means "committed", and a burst costs one commit per batch instead of one per request.
 *
 * <p>The queue is bounded (rows and bytes): when it is full the request is answered 503 {@code
 * ingest_busy} with {@code Retry-After} at once, rather than holding a connection open for a writer
 * that is already behind.
 */
@Component
class IngestWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestWriter.class);

    /** A row waiting for a writer, and the request waiting for its commit. */
    private record Pending(EventRow row, Map<String, Object> values, int bytes, CompletableFuture<Boolean> inserted) {}

    private final EventRepository events;
    private final EventProcessor processor;
    private final TransactionTemplate tx;
    private final InboundProperties.GroupCommit settings;
    private final BlockingQueue<Pending> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final int writers;
    private final DistributionSummary batches;
    /** Writers share it while they write a batch; whoever holds its write lock holds them all (tests do). */
    final ReentrantReadWriteLock writing = new ReentrantReadWriteLock();

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    /** The last pause a writer took before a batch, in milliseconds ({@link #pause}). */
    private volatile long pausing;

    IngestWriter(
            EventRepository events,
            EventProcessor processor,
            TransactionTemplate tx,
            InboundProperties properties,
            Dialect dialect,
            MeterRegistry metrics) {
        this.events = events;
        this.processor = processor;
        this.tx = tx;
        this.settings = properties.groupCommit();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        // H2 is one embedded file: a second writer only waits on the first's locks.
        this.writers = dialect.embedded() ? 1 : settings.writers();
        this.batches = DistributionSummary.builder("switchboard.inbound.ingest.batch")
                .description("Rows inserted per group-commit transaction")
                .register(metrics);
        Gauge.builder("switchboard.inbound.ingest.queued", queue, BlockingQueue::size)
                .description("Verified webhooks waiting for a writer")
                .register(metrics);
        Gauge.builder("switchboard.inbound.ingest.pause", this, w -> w.pausing)
                .description("Milliseconds a writer pauses before each batch while processing is behind")
                .baseUnit("milliseconds")
                .register(metrics);
    }

    /**
     * Stores a verified event and returns once it is committed: true when it went in, false when its
     * source already had its dedupe key (committed before, or earlier in the same batch).
     *
     * @throws RateLimitedException 503 {@code ingest_busy} when the queue is full, or the commit takes
     *     longer than the configured wait
     */
    boolean store(EventRow row, byte[] body) {
        return await(submit(row, body));
    }

    /** Queues a row; the future completes after its batch's commit. */
    CompletableFuture<Boolean> submit(EventRow row, byte[] body) {
        if (!running) throw busy("Switchboard is stopping; retry on another node or shortly.");
        Pending p = new Pending(row, events.newRow(row, body), body.length, new CompletableFuture<>());
        // A lone row is always let in, however large, so a body under the size limit is never refused for size.
        if (queuedBytes.addAndGet(p.bytes()) > settings.queueBytes() && !queue.isEmpty()) {
            queuedBytes.addAndGet(-p.bytes());
            throw busy("Too many webhooks are waiting to be stored; retry after Retry-After.");
        }
        if (!queue.offer(p)) {
            queuedBytes.addAndGet(-p.bytes());
            throw busy("Too many webhooks are waiting to be stored; retry after Retry-After.");
        }
        return p.inserted();
    }

    boolean await(CompletableFuture<Boolean> inserted) {
        try {
            return inserted.get(settings.maxWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Not answered 200: if the row commits later, the sender's retry is answered as a duplicate.
            throw busy("Storing the webhook took too long; retry after Retry-After.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy("Switchboard is stopping; retry on another node or shortly.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("Storing a webhook failed", e.getCause());
        }
    }

    /** Rows waiting for a writer. */
    int queued() {
        return queue.size();
    }

    /**
     * The pause a writer takes before each batch while processing is behind ingest by more than {@code
     * allowed}: 10 ms for each second past it, at most {@code max}. Requests wait that much longer for
     * their commit, so senders that wait for their answer (as webhook providers do) send no faster than
     * events are processed, and the processing backlog stays near {@code allowed} instead of growing
     * for as long as the burst lasts. Nothing is refused for it; a full queue is still answered 503.
     */
    static long pause(Duration behind, Duration allowed, Duration max) {
        if (allowed.isZero() || behind.compareTo(allowed) <= 0) return 0;
        return Math.min(max.toMillis(), behind.minus(allowed).toMillis() / 100);
    }

    private static RateLimitedException busy(String detail) {
        return new RateLimitedException(ErrorCode.INGEST_BUSY, detail, 1);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        while (running || !queue.isEmpty()) {
            try {
                // Before a row is in hand, so a stop never finds one held by a pause; not when stopping.
                long pause = running ? pause(processor.behind(), settings.processingLag(), settings.maxPause()) : 0;
                pausing = pause;
                if (pause > 0) Thread.sleep(pause);
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                writing.readLock().lock();
                try {
                    batch.add(first);
                    queue.drainTo(batch, settings.batchSize() - 1);
                    long bytes = 0;
                    for (Pending p : batch) bytes += p.bytes();
                    queuedBytes.addAndGet(-bytes);
                    write(batch);
                } finally {
                    writing.readLock().unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) {
                // Requests whose rows were in hand fail rather than wait forever; the writer goes on.
                for (Pending p : batch) p.inserted().completeExceptionally(t);
                log.error("The ingest writer failed on a batch of {}; going on", batch.size(), t);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Writes one batch. Rows sharing a source and dedupe key are one event: the first is inserted, the
     * others are its duplicates. Rows go in in key order, so two writers' batches lock keys in the same
     * order and cannot deadlock each other.
     */
    void write(List<Pending> batch) {
        Map<String, Pending> leaders = new LinkedHashMap<>();
        Map<Pending, Pending> followers = new LinkedHashMap<>();
        batch.stream()
                .sorted(Comparator.comparing((Pending p) -> p.row().sourceId())
                        .thenComparing(p -> p.row().dedupeKey()))
                .forEach(p -> {
                    Pending leader = leaders.putIfAbsent(key(p), p);
                    if (leader != null) followers.put(p, leader);
                });
        List<Pending> rows = List.copyOf(leaders.values());
        boolean[] inserted = null;
        try {
            inserted = tx.execute(
                    s -> events.insertNew(rows.stream().map(Pending::values).toList()));
        } catch (RuntimeException batchFailed) {
            log.warn(
                    "A group-commit batch of {} failed; storing its rows one by one: {}",
                    rows.size(),
                    batchFailed.toString());
        }
        boolean any = false;
        for (int i = 0; i < rows.size(); i++) {
            Pending p = rows.get(i);
            if (inserted != null) {
                p.inserted().complete(inserted[i]);
            } else {
                one(p);
            }
            any |= p.inserted().getNow(false);
        }
        followers.forEach((follower, leader) -> leader.inserted().whenComplete((ok, failed) -> {
            if (failed != null) follower.inserted().completeExceptionally(failed);
            else follower.inserted().complete(false);
        }));
        batches.record(rows.size());
        if (any) processor.wake();
    }

    /** One row in its own transaction, after its batch failed: one bad row fails only its own request. */
    private void one(Pending p) {
        try {
            p.inserted().complete(tx.execute(s -> events.insertNew(List.of(p.values()))[0]));
        } catch (DuplicateKeyException raced) {
            p.inserted().complete(false); // committed meanwhile by another writer
        } catch (RuntimeException e) {
            p.inserted().completeExceptionally(e);
        }
    }

    private static String key(Pending p) {
        return p.row().sourceId() + '\u0000' + p.row().dedupeKey();
    }

    @Override
    public synchronized void start() {
        if (running) return;
        running = true;
        for (int i = 0; i < writers; i++) {
            threads.add(Thread.ofPlatform().name("ingest-writer-" + i).start(this::run));
        }
    }

    /** Stops taking rows, and lets the writers store what is queued before they end. */
    @Override
    public synchronized void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(settings.maxWait().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (a lower phase stops later), so requests in flight are still stored. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
