package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.RetryAfter;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.consent.ConsentGate;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.outbound.OperationalEvents;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox jobs. Due jobs are claimed by priority then due time (SKIP LOCKED), leased, and
 * each sent on a virtual thread (at most {@code concurrency} per node) after the provider limiter
 * grants a token; the outcome is written with the lease token, so a node whose lease ran out
 * changes nothing.
 *
 * <ul>
 *   <li>Over the provider's limit: back to {@code queued} until the limiter says, nothing sent,
 *       no attempt spent; the waiting jobs of a connection come due one token interval apart
 *       ({@link #turn}), not all at once.
 *   <li>Connection not active (suspended, error, awaiting authorization) or its token cannot be
 *       refreshed: {@code held}, nothing sent, no attempt spent, no limiter token taken (the
 *       request is prepared before the limiter is asked), looked at again after {@code
 *       hold-recheck}. A held job costs one claim per interval, never a busy loop. When the
 *       connection becomes active again its held jobs are due at once ({@link HeldJobs}); the
 *       recheck only covers what that misses (a token that could not be refreshed recovers alone).
 *   <li>Past its deadline: {@code failed}, not sent. Connection deleted: {@code failed}.
 *   <li>2xx: {@code succeeded}. Network error, 5xx, 429: again after 2^n s ±25 % (at most 1 h) or
 *       the provider's Retry-After when longer, until {@code maxAttempts}. Any other answer:
 *       {@code failed} at once. Every failure emits {@value #JOB_FAILED} in the same transaction.
 * </ul>
 */
@Component
class OutboxWorker implements SmartLifecycle {

    static final String JOB_FAILED = "switchboard.outbox.job.failed";
    static final String CONSENT_WITHDRAWN = "The contact withdrew the consent this job was queued under; not sent.";
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {};

    private final OutboxRepository jobs;
    private final ProviderCalls calls;
    private final ProviderLimiter limiter;
    private final OperationalEvents events;
    private final OutboxProperties properties;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final ConsentGate consent;
    private final Semaphore inFlight;
    private final PollingWorker worker;
    private volatile ExecutorService executor;
    private volatile ScheduledExecutorService timer;
    /** Set when a claim stopped at the free slots: a slot freed then looks again at once. */
    private volatile boolean starved;
    /** Per connection, the latest time this node gave a job refused by the limiter ({@link #turn}). */
    private final com.github.benmanes.caffeine.cache.Cache<String, Instant> turns =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                    .maximumSize(100_000)
                    .expireAfterWrite(Duration.ofHours(1))
                    .build();
    /** Jobs this node gave a turn: one that comes back a little before its token keeps its place. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> turned =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                    .maximumSize(100_000)
                    .expireAfterWrite(Duration.ofHours(1))
                    .build();
    /** The jitter's random numbers in [0, 1); tests fix them. */
    private volatile DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    OutboxWorker(
            OutboxRepository jobs,
            ProviderCalls calls,
            ProviderLimiter limiter,
            OperationalEvents events,
            OutboxProperties properties,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            ConsentGate consent) {
        this.consent = consent;
        this.jobs = jobs;
        this.calls = calls;
        this.limiter = limiter;
        this.events = events;
        this.properties = properties;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        // A job's outcome must be written before its lease ends, or another node takes it over and
        // sends it a second time: the lease covers the call's whole deadline twice over.
        if (properties.lease().compareTo(calls.deadline().multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("switchboard.outbox.lease (" + properties.lease()
                    + ") must be at least twice the " + calls.deadline()
                    + " deadline of a provider call (switchboard.gateway.deadline): a job claimed under a shorter"
                    + " lease can still be in flight when another node takes it over and sends it again"
                    + " (SWITCHBOARD_OUTBOX_LEASE)");
        }
        this.inFlight = new Semaphore(properties.concurrency());
        this.worker = new PollingWorker("outbox", properties.pollInterval(), 1, this::runOnce);
    }

    void wake() {
        worker.wake();
    }

    /** For tests: the source of the jitter's random numbers. */
    void useRandom(DoubleSupplier random) {
        this.random = random;
    }

    /** Claims as many due jobs as there are free slots and starts them; returns how many. */
    int runOnce() {
        int free = Math.min(properties.batchSize(), inFlight.availablePermits());
        if (free == 0) {
            starved = true;
            return 0;
        }
        List<String> ids = jobs.claimDue(Sql.now(clock), properties.lease(), free);
        if (ids.size() == free) starved = true;
        for (OutboxRepository.Job job : jobs.load(ids)) {
            inFlight.acquireUninterruptibly();
            executor.submit(() -> {
                try {
                    handle(job);
                } catch (RuntimeException e) {
                    // The lease runs out and the job is claimed again: nothing is lost.
                    log.warn("Outbox job {} failed unexpectedly", job.id(), e);
                } finally {
                    inFlight.release();
                    if (starved) {
                        starved = false;
                        worker.wake();
                    }
                }
            });
        }
        return ids.size();
    }

    private void handle(OutboxRepository.Job job) {
        Instant now = Sql.now(clock);
        if (job.deadline() != null && !now.isBefore(job.deadline())) {
            fail(job, job.attempts(), job.lastStatus(), "The deadline passed before the call was sent.", now);
            return;
        }
        // Consent withdrawn since the job was queued: it never goes out, and takes no limiter token.
        if (!consent.holds(job.tenantId(), job.id())) {
            if (!jobs.finish(job, "blocked", job.attempts(), null, job.lastStatus(), CONSENT_WITHDRAWN, now)) {
                stale(job);
            }
            return;
        }
        // Prepared before the limiter is asked: a connection that is not active (or gone) holds (or
        // fails) the job without taking a token it would never spend.
        ProviderCalls.Ready ready = null;
        String notPrepared = null;
        try {
            ready = calls.prepare(request(job));
        } catch (ApiException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                fail(job, job.attempts(), job.lastStatus(), "The connection no longer exists.", now);
            } else {
                hold(job, e.getMessage(), now);
            }
            return;
        } catch (IllegalArgumentException e) {
            // The connection's settings cannot make this URL (a placeholder without a value).
            fail(job, job.attempts(), job.lastStatus(), clip("The request cannot be built: " + e.getMessage()), now);
            return;
        } catch (RuntimeException e) {
            // The database briefly away while preparing: an attempt like a network error (below),
            // so a job that always fails this way ends after maxAttempts instead of coming back
            // after every lease. No token is taken for it.
            log.warn("Outbox job {} could not be prepared", job.id(), e);
            notPrepared = "could not be sent: " + e.getClass().getSimpleName();
        }
        Optional<Duration> wait = ready == null
                ? Optional.empty()
                : limiter.tryAcquire(job.tenantId(), job.connectionId(), job.provider());
        if (wait.isPresent()) {
            Instant next = turn(job, now, wait.get());
            if (job.deadline() != null && next.isAfter(job.deadline())) {
                fail(
                        job,
                        job.attempts(),
                        job.lastStatus(),
                        "The provider's rate limit leaves no room before the deadline.",
                        now);
            } else if (!jobs.finish(job, "queued", job.attempts(), next, job.lastStatus(), job.lastError(), now)) {
                stale(job);
            } else {
                wakeAt(next, now);
            }
            return;
        }
        turned.invalidate(job.id());
        int attempt = job.attempts() + 1;
        ProviderCalls.Response response = null;
        OutboxRetries.Outcome outcome;
        String error = null;
        // The attempt is stamped when it starts; its end is that plus how long it took, so
        // retryAt - attemptedAt is exactly its latency plus the backoff.
        Instant sentAt = Sql.now(clock);
        long started = System.nanoTime();
        try {
            if (ready == null) {
                outcome = OutboxRetries.Outcome.NETWORK_ERROR;
                error = notPrepared;
            } else {
                response = calls.send(ready);
                outcome = OutboxRetries.Outcome.of(response.status());
            }
        } catch (BlockedDestinationException e) {
            outcome = OutboxRetries.Outcome.REJECTED;
            error = "blocked by the SSRF guard: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            outcome = OutboxRetries.Outcome.NETWORK_ERROR;
            error = "timed out after " + calls.deadline();
        } catch (IOException e) {
            outcome = OutboxRetries.Outcome.NETWORK_ERROR;
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            // Anything else on the way out: an attempt like a network error, so a job that always
            // fails this way ends after maxAttempts instead of coming back after every lease.
            log.warn("Outbox job {} could not be sent", job.id(), e);
            outcome = OutboxRetries.Outcome.NETWORK_ERROR;
            error = "could not be sent: " + e.getClass().getSimpleName();
        }
        Duration latency =
                Duration.ofNanos(System.nanoTime() - started).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Map<String, List<String>> headers = response == null ? Map.of() : headers(response.headers());
        Integer code = response == null ? null : response.status();
        if (response != null) {
            limiter.observe(job.tenantId(), job.connectionId(), job.provider(), response.status(), headers);
            if (outcome != OutboxRetries.Outcome.SUCCEEDED) error = "HTTP " + response.status();
        }
        Instant end = sentAt.plus(latency);
        String status;
        Instant next = null;
        if (outcome == OutboxRetries.Outcome.SUCCEEDED) {
            status = "succeeded";
        } else if (outcome.retryable() && attempt < job.maxAttempts()) {
            Optional<Duration> retryAfter = RetryAfter.parse(first(headers, "Retry-After"), end);
            next = end.plus(OutboxRetries.delay(attempt, retryAfter, random.getAsDouble()));
            if (job.deadline() != null && next.isAfter(job.deadline())) {
                status = "failed";
                error = error + "; the deadline passes before the next attempt";
                next = null;
            } else {
                status = "queued";
            }
        } else {
            status = "failed";
            if (outcome.retryable()) error = error + "; no attempts left";
        }
        var record = new OutboxRepository.Attempt(
                Ids.next("att"),
                job.series(),
                attempt,
                sentAt,
                outcome.name(),
                code,
                (int) Math.min(Integer.MAX_VALUE, latency.toMillis()),
                next,
                clip(error),
                response == null
                        ? null
                        : Text.storable(json.writeValueAsString(OutboxRedaction.headers(headers)), 4000),
                response == null
                        ? null
                        : OutboxRedaction.body(response.body(), properties.responseExcerptBytes(), json));
        String finalStatus = status;
        Instant finalNext = next;
        String finalError = clip(error);
        tx.executeWithoutResult(s -> {
            if (!jobs.finish(job, finalStatus, attempt, finalNext, code, finalError, end)) {
                stale(job);
                return;
            }
            jobs.insertAttempt(job.tenantId(), job.id(), record);
            if (finalStatus.equals("failed")) emitFailed(job, attempt, code, finalError, end);
        });
    }

    /**
     * When a job the limiter refused comes due again: not all at the moment the next token is free
     * (every waiting job of the connection would be claimed, refused and written again, many times a
     * second, and the calls granted meanwhile would queue behind that work), but one token interval
     * after the previous one refused on this node, so a claim finds about as many of them due as the
     * limiter will grant. The limiter still decides: a job whose turn comes early is refused again.
     * A job refused at its own turn, with its token less than one interval away (the claim ran a few
     * milliseconds ahead of the refill), keeps its place and comes back when the token is there: sent
     * to the back of the line, it would leave its slot empty and the connection would run below its rate.
     */
    private Instant turn(OutboxRepository.Job job, Instant now, Duration wait) {
        Instant free = now.plus(wait);
        Duration interval = limiter.interval(job.tenantId(), job.connectionId());
        if (interval.isZero()) return free;
        boolean hadTurn = turned.asMap().put(job.id(), Boolean.TRUE) != null;
        if (hadTurn && wait.compareTo(interval) < 0) return free;
        return turns.asMap()
                .compute(
                        job.connectionId(),
                        (k, last) -> last == null || last.isBefore(free) ? free : last.plus(interval));
    }

    /**
     * Wakes this node's worker when a job the limiter turned away comes due, if that is before the
     * next poll. Without it a connection's bucket is only asked once per poll, and a bucket holds
     * at most its burst: with the default 1 s poll and a burst of 2, a 10/s limit would send 2/s.
     */
    private void wakeAt(Instant due, Instant now) {
        ScheduledExecutorService t = timer;
        Duration delay = Duration.between(now, due);
        if (t == null || delay.compareTo(properties.pollInterval()) >= 0) return;
        try {
            t.schedule(worker::wake, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // Shutting down: the job is queued and the next node (or start) takes it.
        }
    }

    /** The connection cannot be used now: the job waits, without an attempt, and is looked at again later. */
    private void hold(OutboxRepository.Job job, String reason, Instant now) {
        Instant next = now.plus(properties.holdRecheck());
        if (!jobs.finish(job, "held", job.attempts(), next, job.lastStatus(), clip(reason), now)) stale(job);
    }

    /** Fails a job that was not sent (again); its attempts stay as they were. */
    private void fail(OutboxRepository.Job job, int attempts, Integer code, String error, Instant now) {
        tx.executeWithoutResult(s -> {
            if (!jobs.finish(job, "failed", attempts, null, code, error, now)) {
                stale(job);
                return;
            }
            emitFailed(job, attempts, code, error, now);
        });
    }

    private void emitFailed(OutboxRepository.Job job, int attempts, Integer code, String error, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", job.id());
        data.put("connectionId", job.connectionId());
        data.put("provider", job.provider());
        data.put("method", job.method());
        data.put("path", job.path());
        data.put("attempts", attempts);
        data.put("lastStatusCode", code);
        data.put("error", error);
        data.put("metadata", json.readValue(job.metadata(), Map.class));
        events.emit(job.tenantId(), JOB_FAILED, data, now);
    }

    private void stale(OutboxRepository.Job job) {
        // Another node took the job over after this one's lease ended, or it was cancelled: its write wins.
        log.info("Outbox job {} changed hands while it was being sent; this outcome is dropped", job.id());
    }

    private ProviderCalls.Request request(OutboxRepository.Job job) {
        return new ProviderCalls.Request(
                job.tenantId(),
                job.connectionId(),
                job.method(),
                job.path(),
                job.query(),
                json.readValue(job.headers(), HEADERS),
                job.body(),
                idempotencyKey(job),
                ProviderCalls.Origin.OUTBOX,
                job.createdBy(),
                job.requestId());
    }

    /**
     * The key providers that honour it (Stripe) deduplicate on: the caller's, else the job's id, the
     * same for every attempt of a series, so a call a crashed node may have sent is not repeated. A
     * retry of a failed job is a new series with a key of its own: a provider replays the stored
     * failure for a key it has seen.
     */
    static String idempotencyKey(OutboxRepository.Job job) {
        String key = job.idempotencyKey() != null ? job.idempotencyKey() : job.id();
        return job.series() == 1 ? key : key + "-r" + job.series();
    }

    private static Map<String, List<String>> headers(List<Header> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Header h : headers)
            out.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        return out;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .findFirst()
                .map(e -> e.getValue().getFirst())
                .orElse(null);
    }

    private static String clip(String s) {
        return Text.storable(s, 2000);
    }

    @Override
    public void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("outbox-wake").factory());
        if (properties.enabled()) worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
        ScheduledExecutorService t = timer;
        if (t != null) t.shutdownNow();
        ExecutorService e = executor;
        if (e != null) e.close(); // waits for the calls in flight, each bounded by its deadline
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
