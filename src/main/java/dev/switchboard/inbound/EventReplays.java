package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replaying many inbound events at once, as a job: a request names a filter (the events list's) and
 * a bound; the job takes only events received before it was asked for, oldest first, in chunks. A
 * node claims the job (lease and fencing token), and each chunk's replays and the job's progress
 * commit together, fenced: a node that lost the job writes nothing, and a crash repeats at most
 * the chunk that did not commit (replaying an event twice only routes it again).
 */
@Service
class EventReplays implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventReplays.class);
    static final int MAX_EVENTS = 10_000;
    static final int CHUNK = 100;
    /** Jobs a node takes at once; each gets one chunk per run, so many jobs progress side by side. */
    private static final int CLAIM = 8;

    private static final Duration LEASE = Duration.ofMinutes(1);

    /** A replay request: the events list's filter, and at most {@code max} events (default and bound 10 000). */
    record Request(
            String source,
            String provider,
            String type,
            String subject,
            String userId,
            String status,
            String since,
            String until,
            Integer max,
            String canonicalType) {}

    /** A job as shown: its filter, how many events it matched (bounded) and how many it replayed. */
    record View(
            String id,
            String status,
            int matched,
            int replayed,
            int maxEvents,
            Request filter,
            Instant createdAt,
            Instant updatedAt,
            Instant finishedAt) {}

    private final ReplayRepository jobs;
    private final EventRepository events;
    private final Events search;
    private final EventProcessor processor;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final PollingWorker worker;

    EventReplays(
            ReplayRepository jobs,
            EventRepository events,
            Events search,
            EventProcessor processor,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.search = search;
        this.processor = processor;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.worker = new PollingWorker("inbound-replays", Duration.ofSeconds(5), CLAIM, this::runOnce);
    }

    View start(String tenantId, Request r) {
        int max = r.max() == null ? MAX_EVENTS : r.max();
        if (max < 1 || max > MAX_EVENTS) throw ApiException.invalid("max", "must be between 1 and " + MAX_EVENTS);
        Instant now = Sql.now(clock);
        EventRepository.Filter filter = filter(tenantId, r, now);
        String stored = json.writeValueAsString(r);
        if (stored.length() > 4000) throw ApiException.invalid("filter", "is too long (4000 characters as JSON)");
        long count = events.count(filter);
        var job = new ReplayRepository.Job(
                Ids.next("rpl"),
                tenantId,
                stored,
                max,
                now,
                (int) Math.min(count, max),
                0,
                // Nothing matched: done at once, without a trip through the queue.
                count == 0 ? "done" : "queued",
                null,
                null,
                0,
                null,
                now,
                now,
                count == 0 ? now : null);
        jobs.insert(job);
        if (count > 0) worker.wake();
        return view(job);
    }

    View find(String tenantId, String id) {
        return view(jobs.find(tenantId, id).orElseThrow(() -> ApiException.notFound("replay")));
    }

    /** Claims a job and replays its next chunk; returns 1 when it did some work. */
    int runOnce() {
        Instant now = Sql.now(clock);
        List<ReplayRepository.Job> claimed = jobs.claim(now, LEASE, CLAIM);
        for (ReplayRepository.Job job : claimed) {
            try {
                chunk(job, now);
            } catch (RuntimeException e) {
                // The lease runs out and the job is claimed again; the failed chunk wrote nothing.
                log.warn("Replay job {}: a chunk failed; it is retried when its lease ends", job.id(), e);
            }
        }
        return claimed.size();
    }

    private void chunk(ReplayRepository.Job job, Instant now) {
        Request r = json.readValue(job.filter(), Request.class);
        EventRepository.Filter filter = filter(job.tenantId(), r, job.receivedTo());
        int want = Math.min(CHUNK, job.maxEvents() - job.replayed());
        tx.executeWithoutResult(s -> {
            var next = want <= 0 ? List.<EventRow>of() : events.oldestAfter(filter, job.afterAt(), job.afterId(), want);
            events.replayAll(job.tenantId(), next.stream().map(EventRow::id).toList(), now);
            EventRow last = next.isEmpty() ? null : next.getLast();
            int replayed = job.replayed() + next.size();
            boolean finished = next.size() < want || replayed >= job.maxEvents() || want <= 0;
            if (!jobs.progress(
                    job,
                    last == null ? job.afterAt() : last.receivedAt(),
                    last == null ? job.afterId() : last.id(),
                    replayed,
                    finished,
                    now)) {
                // Taken over by another claim: undo this chunk's replays, the other node does them.
                s.setRollbackOnly();
            }
        });
        processor.wake();
    }

    /** The events list's filter, limited to events received before {@code receivedTo}. */
    private EventRepository.Filter filter(String tenantId, Request r, Instant receivedTo) {
        var f = search.filter(
                tenantId,
                new Events.EventQuery(
                        r.source(),
                        r.provider(),
                        r.type(),
                        r.subject(),
                        r.userId(),
                        r.status(),
                        r.since(),
                        r.until(),
                        null,
                        null,
                        null,
                        r.canonicalType()));
        Instant until = f.until() == null || f.until().isAfter(receivedTo) ? receivedTo : f.until();
        return new EventRepository.Filter(
                f.tenantId(),
                f.sourceId(),
                f.provider(),
                f.type(),
                f.subject(),
                f.userId(),
                f.status(),
                f.since(),
                until,
                f.canonicalType());
    }

    private View view(ReplayRepository.Job j) {
        return new View(
                j.id(),
                j.status(),
                j.matched(),
                j.replayed(),
                j.maxEvents(),
                json.readValue(j.filter(), Request.class),
                j.createdAt(),
                j.updatedAt(),
                j.finishedAt());
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
