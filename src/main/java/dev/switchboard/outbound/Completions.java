package dev.switchboard.outbound;

import dev.switchboard.common.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes what became of deliveries, many per transaction (group commit): one writer thread takes
 * whatever outcomes are waiting and records them together, so under load a commit covers dozens of
 * deliveries, and alone a delivery is written at once. An outcome not yet written when a node dies
 * is redone by another node after the lease: the receiver may see that delivery twice, with the
 * same {@code webhook-id}.
 */
@Component
class Completions {

    private static final Logger log = LoggerFactory.getLogger(Completions.class);
    static final int MAX_BATCH = 200;

    /**
     * How long the writer waits for more outcomes when it has taken only a few. Outcomes come from
     * sends finishing one by one; without a wait, the faster a batch commits the smaller the next one
     * is (19 a transaction once the claim's reads got faster, over the 0.1 write transactions per
     * delivery the engine keeps to). The wait holds back no send: a finished send has already freed
     * its endpoint slot.
     */
    static final long LINGER_MICROS = 2_000;

    /** Below this many outcomes the writer waits {@link #LINGER_MICROS} for more. */
    static final int LINGER_BELOW = 32;

    static final String TRANSACTIONS = "switchboard.outbound.completion.transactions";
    static final String OUTCOMES = "switchboard.outbound.completion.outcomes";
    static final String STALE = "switchboard.outbound.stale.outcomes";

    /** What one delivery turn ended with. */
    sealed interface Done {
        DeliveryRepository.Due due();
    }

    /** The endpoint was disabled or deleted after the claim. */
    record Inactive(DeliveryRepository.Due due, Instant now) implements Done {}

    /** Rate limited: wait until {@code next}, no attempt made. */
    record Deferred(DeliveryRepository.Due due, Instant next, Instant now) implements Done {}

    record Attempted(
            DeliveryRepository.Due due,
            DeliveryRepository.Attempt attempt,
            RetryPolicy.Outcome outcome,
            int attempts,
            Integer status,
            String failure,
            Optional<Duration> retryAfter,
            Instant now)
            implements Done {}

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final OperationalEvents events;
    private final OutboundProperties properties;
    private final TransactionTemplate tx;
    private final MeterRegistry metrics;
    private final RetryPolicy policy;
    private final LinkedBlockingQueue<Done> queue = new LinkedBlockingQueue<>();
    private volatile Consumer<List<Done>> onWritten = done -> {};
    /**
     * Held by the writer while it writes a batch it has taken; a test holds it to keep outcomes
     * taken and not yet committed, as they are for the length of a slow commit.
     */
    final ReentrantLock writing = new ReentrantLock();

    private volatile boolean running;
    private Thread writer;
    /** Commits and the outcomes they wrote: the group commit's effect (commits per delivery). */
    private final Counter transactions;

    private final Counter written;
    /** Outcomes of a claim whose lease had moved on: logged as attempts, not applied. */
    private final Counter stale;

    Completions(
            DeliveryRepository deliveries,
            EndpointRepository endpoints,
            OperationalEvents events,
            OutboundProperties properties,
            TransactionTemplate tx,
            MeterRegistry metrics) {
        this.metrics = metrics;
        this.transactions = Counter.builder(TRANSACTIONS)
                .description("Transactions that wrote delivery outcomes")
                .register(metrics);
        this.written = Counter.builder(OUTCOMES)
                .description("Delivery outcomes written")
                .register(metrics);
        this.stale = Counter.builder(STALE)
                .description("Delivery outcomes not applied: the delivery's lease had moved on")
                .register(metrics);
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.events = events;
        this.properties = properties;
        this.policy = properties.retryPolicy();
        this.tx = tx;
    }

    void add(Done done) {
        queue.add(done);
    }

    /**
     * Called with each batch once its transaction has ended, committed or not (the engine claims again:
     * slots and ordering freed up). An outcome that failed to commit leaves its delivery leased, in
     * flight for the cap, until the lease runs out.
     */
    void onWritten(Consumer<List<Done>> c) {
        this.onWritten = c;
    }

    synchronized void start() {
        if (running) return;
        running = true;
        writer = Thread.ofVirtual().name("outbound-completions").start(this::loop);
    }

    /** Writes everything still queued, then stops. */
    void stop() {
        Thread w;
        synchronized (this) {
            running = false;
            w = writer;
        }
        if (w == null) return;
        try {
            w.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        List<Done> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Done first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (batch.size() < LINGER_BELOW) {
                    Done more = queue.poll(LINGER_MICROS, TimeUnit.MICROSECONDS);
                    if (more != null) {
                        batch.add(more);
                        queue.drainTo(batch, MAX_BATCH - batch.size());
                    }
                }
                writing.lock();
                try {
                    write(batch);
                } finally {
                    writing.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                log.error(
                        "Writing {} delivery outcomes failed; their leases will run out and they are retried",
                        batch.size(),
                        e);
            } finally {
                if (!batch.isEmpty()) onWritten.accept(batch);
                batch.clear();
            }
        }
    }

    private void write(List<Done> batch) {
        try {
            tx.executeWithoutResult(s -> applyAll(batch));
            count(1, batch.size());
        } catch (RuntimeException e) {
            // One bad outcome must not hold back the rest: write them one by one.
            log.warn("A batch of {} delivery outcomes failed; writing them singly", batch.size(), e);
            for (Done done : batch) {
                try {
                    tx.executeWithoutResult(s -> apply(done));
                    count(1, 1);
                } catch (RuntimeException single) {
                    log.error(
                            "Delivery {}: its outcome could not be written",
                            done.due().id(),
                            single);
                }
            }
        }
    }

    private void count(long tx, long outcomes) {
        transactions.increment(tx);
        written.increment(outcomes);
    }

    /**
     * First-try successes, the bulk under load, are written with three batched statements for the
     * lot; everything else (retries, failures, events) one by one.
     */
    private void applyAll(List<Done> batch) {
        List<Attempted> plain = new ArrayList<>();
        for (Done done : batch) {
            if (done instanceof Attempted a
                    && a.outcome() == RetryPolicy.Outcome.SUCCESS
                    && a.attempts() <= OperationalEvents.FAILING_AFTER) {
                plain.add(a);
            } else {
                apply(done);
            }
        }
        if (plain.isEmpty()) return;
        List<DeliveryRepository.Success> applied = deliveries.recordSuccesses(plain.stream()
                .map(a -> new DeliveryRepository.Success(Ids.next("att"), a.due(), a.attempt(), a.attempts(), a.now()))
                .toList());
        stale.increment(plain.size() - applied.size());
        applied.stream().map(a -> a.due().endpointId()).distinct().forEach(endpoints::succeeded);
        plain.forEach(a -> metrics.counter(
                        "switchboard.outbound.attempts", "outcome", a.outcome().name())
                .increment());
    }

    private void apply(Done done) {
        boolean current = switch (done) {
            case Inactive i -> {
                boolean deleted = i.due().endpointStatus().equals("deleted");
                yield deliveries.finish(
                        i.due(),
                        deleted ? "failed" : "paused",
                        i.due().attempts(),
                        null,
                        null,
                        deleted ? "endpoint deleted" : null,
                        i.now());
            }
            case Deferred d -> deliveries.defer(d.due(), d.next(), d.now());
            case Attempted a -> complete(a);
        };
        if (!current) {
            stale.increment();
            log.info(
                    "Delivery {}: an outcome from an expired claim was not applied (another claim or a resend followed)",
                    done.due().id());
        }
    }

    /**
     * Records an attempt and what follows from it: the delivery's new state, the endpoint's run of
     * failures (disabling it after {@code disableAfter} without a success), and the operational
     * events that report it. The attempt is always logged; the rest only while the claim it came
     * from is still the delivery's (the fenced write comes first, and the row stays locked to the end
     * of the transaction). Returns false for such a stale outcome.
     */
    private boolean complete(Attempted a) {
        DeliveryRepository.Due d = a.due();
        Instant now = a.now();
        deliveries.recordAttempt(Ids.next("att"), d, a.attempt());
        metrics.counter("switchboard.outbound.attempts", "outcome", a.outcome().name())
                .increment();
        boolean report = OperationalEvents.reportable(d.eventType());
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("messageId", d.messageId());
        about.put("endpointId", d.endpointId());
        about.put("eventType", d.eventType());
        about.put("attempts", a.attempts());
        about.put("lastStatusCode", a.status());
        if (a.outcome() == RetryPolicy.Outcome.SUCCESS) {
            if (!deliveries.finish(d, "succeeded", a.attempts(), null, a.status(), null, now)) return false;
            endpoints.succeeded(d.endpointId());
            if (report && a.attempts() > OperationalEvents.FAILING_AFTER) {
                events.emit(d.tenantId(), OperationalEvents.ATTEMPT_RECOVERED, about, now);
            }
            return true;
        }
        if (a.outcome() == RetryPolicy.Outcome.GONE) {
            if (!deliveries.finish(d, "paused", a.attempts(), null, a.status(), a.failure(), now)) return false;
            disable(d, "the receiver answered 410 Gone", now);
            return true;
        }
        var next = policy.next(
                a.attempts(),
                a.outcome(),
                a.retryAfter(),
                ThreadLocalRandom.current().nextDouble());
        if (!deliveries.finish(
                d,
                next.isPresent() ? "pending" : "failed",
                a.attempts(),
                next.map(now::plus).orElse(null),
                a.status(),
                a.failure(),
                now)) {
            return false;
        }
        Instant failingSince = endpoints.failing(d.endpointId(), now);
        if (Duration.between(failingSince, now).compareTo(properties.disableAfter()) >= 0) {
            disable(d, "failing without a success since " + failingSince, now);
            // The token is unchanged by finish, and the row is still ours in this transaction.
            deliveries.finish(d, "paused", a.attempts(), null, a.status(), a.failure(), now);
            return true;
        }
        if (!report) return true;
        if (next.isEmpty()) events.emit(d.tenantId(), OperationalEvents.ATTEMPT_EXHAUSTED, about, now);
        else if (a.attempts() == OperationalEvents.FAILING_AFTER)
            events.emit(d.tenantId(), OperationalEvents.ATTEMPT_FAILING, about, now);
        return true;
    }

    private void disable(DeliveryRepository.Due d, String reason, Instant now) {
        if (endpoints.setEnabled(d.tenantId(), d.endpointId(), false, reason, now)) {
            events.emit(
                    d.tenantId(),
                    OperationalEvents.ENDPOINT_DISABLED,
                    Map.of("endpointId", d.endpointId(), "reason", reason),
                    now);
        }
    }
}
