package dev.switchboard.inbound;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.QueueFloor;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The asynchronous stage after ingest, driven by the database so that it survives restarts and
 * shares work across nodes: claim due events (leased, so a crashed node's events are taken over),
 * resolve the subject's user, hand each to the routers, and mark it processed. The claim returns the
 * events with their bodies; a claimed batch is processed in one transaction per lane of sources
 * (subjects read once, the routers' rows, the marks and the run rows written as batched
 * statements); if anything in it fails, the lane is rolled back and its events are processed one
 * per transaction, so one bad event fails alone. A failure is retried with
 * backoff, then the event is marked failed with the error.
 */
@Component
class EventProcessor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final EventRepository events;
    private final SubjectRepository subjects;
    private final List<InboundEventRouter> routers;
    private final InboundProperties.Processing settings;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final org.springframework.context.ApplicationEventPublisher publisher;
    private final PollingWorker worker;
    /** Where the claims start in the due index: past the events already processed (see QueueFloor). */
    private final QueueFloor floor;
    /** How far processing is behind ingest: see {@link #behind()}. */
    private volatile Duration behind = Duration.ZERO;

    EventProcessor(
            EventRepository events,
            SubjectRepository subjects,
            List<InboundEventRouter> routers,
            InboundProperties properties,
            TransactionTemplate tx,
            Clock clock,
            org.springframework.context.ApplicationEventPublisher publisher) {
        this.publisher = publisher;
        this.events = events;
        this.subjects = subjects;
        this.routers = routers;
        this.settings = properties.processing();
        this.tx = tx;
        this.clock = clock;
        this.worker =
                new PollingWorker("inbound-processor", settings.pollInterval(), settings.batchSize(), this::runOnce);
        this.floor = new QueueFloor(events::oldestReceived);
    }

    /** Called after an ingest commits, so a new event is processed without waiting for the next poll. */
    void wake() {
        worker.wake();
    }

    /**
     * Claims and processes one batch of due events; returns how many it claimed. Each source's events
     * are routed in the order they came, one after another; different sources' events go in up to
     * {@code parallelism} lanes at once, each lane its own transaction, so one source's events never
     * wait for another's and never overtake each other (a source is in one lane per batch, and the
     * next batch starts when every lane of this one has ended).
     */
    int runOnce() {
        Instant now = Sql.now(clock);
        List<EventRepository.Claimed> claimed =
                events.claimDueEvents(now, floor.at(now), settings.lease(), settings.batchSize());
        behind = lag(claimed, settings.batchSize(), now);
        if (claimed.isEmpty()) return 0;
        Instant stopAt = now.plus(settings.lease().multipliedBy(3).dividedBy(4));
        // In claim order, so each source's (and subject's) events are routed in the order they came.
        List<EventRepository.Claimed> ordered = claimed.stream()
                .sorted(Comparator.comparing(
                                (EventRepository.Claimed c) -> c.row().nextAttemptAt())
                        .thenComparing(c -> c.row().receivedAt())
                        .thenComparing(c -> c.row().id()))
                .toList();
        List<List<EventRepository.Claimed>> lanes = lanes(ordered, settings.parallelism());
        int failed;
        if (lanes.size() == 1) {
            failed = processLane(lanes.getFirst(), stopAt);
        } else {
            List<java.util.concurrent.Future<Integer>> running = new ArrayList<>();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var lane : lanes) running.add(executor.submit(() -> processLane(lane, stopAt)));
            }
            failed = 0;
            for (var lane : running) failed += lane.resultNow();
        }
        // Counted on the worker's thread: that is where the job log reads them.
        if (failed > 0) PollingWorker.itemsFailed(failed);
        return claimed.size();
    }

    /**
     * How long the oldest event of the last claim had waited to be processed, when that claim was full
     * (more may wait behind it); zero when a claim took less than a batch, so took all that was due.
     * Ingest paces itself by it ({@link IngestWriter}), so that a backlog cannot grow without bound.
     */
    Duration behind() {
        return behind;
    }

    static Duration lag(List<EventRepository.Claimed> claimed, int batchSize, Instant now) {
        if (claimed.size() < batchSize) return Duration.ZERO;
        Instant oldest = claimed.stream()
                .map(c -> c.row().nextAttemptAt())
                .filter(java.util.Objects::nonNull)
                .min(Comparator.naturalOrder())
                .orElse(now);
        return oldest.isBefore(now) ? Duration.between(oldest, now) : Duration.ZERO;
    }

    /**
     * Splits a batch into at most {@code parallelism} lanes, each source's events whole and in order
     * in one lane, the lanes balanced by events (the largest sources placed first).
     */
    static List<List<EventRepository.Claimed>> lanes(List<EventRepository.Claimed> ordered, int parallelism) {
        Map<String, List<EventRepository.Claimed>> bySource = new LinkedHashMap<>();
        for (var c : ordered)
            bySource.computeIfAbsent(c.row().sourceId(), k -> new ArrayList<>()).add(c);
        if (parallelism <= 1 || bySource.size() == 1) return List.of(ordered);
        int n = Math.min(parallelism, bySource.size());
        List<List<String>> sourcesOf = new ArrayList<>();
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) sourcesOf.add(new ArrayList<>());
        bySource.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<EventRepository.Claimed>> e) ->
                                e.getValue().size())
                        .reversed())
                .forEach(e -> {
                    int smallest = 0;
                    for (int i = 1; i < n; i++) if (sizes[i] < sizes[smallest]) smallest = i;
                    sourcesOf.get(smallest).add(e.getKey());
                    sizes[smallest] += e.getValue().size();
                });
        List<List<EventRepository.Claimed>> lanes = new ArrayList<>();
        for (List<String> sources : sourcesOf) {
            java.util.Set<String> in = new java.util.HashSet<>(sources);
            // Claim order within the lane, as within each source.
            lanes.add(ordered.stream()
                    .filter(c -> in.contains(c.row().sourceId()))
                    .toList());
        }
        return lanes;
    }

    /**
     * One lane: in one transaction when it can; if anything in it fails, it is rolled back and its
     * events are processed one per transaction, so one bad event fails alone. Once less than a quarter
     * of the lease is left, the rest is given back for the next claim rather than processed under a
     * lease about to end. Returns how many events failed for good.
     */
    private int processLane(List<EventRepository.Claimed> lane, Instant stopAt) {
        List<EventRepository.Claimed> batch = lane;
        try {
            Set<String> stale = processBatch(batch);
            if (stale.isEmpty()) return 0;
            // Rolled back; those whose claim moved on are their new claimant's, the rest go again.
            log.info("{} events of a batch: their claim ended before processing did; rolled back", stale.size());
            batch = batch.stream().filter(c -> !stale.contains(c.row().id())).toList();
            if (processBatch(batch).isEmpty()) return 0;
        } catch (RuntimeException e) {
            log.info(
                    "A batch of {} events failed as a whole ({}); processing them one by one",
                    batch.size(),
                    e.toString());
        }
        int failed = 0;
        for (EventRepository.Claimed c : batch) {
            if (!Sql.now(clock).isBefore(stopAt)) {
                events.release(c.row());
                continue;
            }
            if (!process(c.row(), c.body())) failed++;
        }
        return failed;
    }

    /**
     * The fast path: the whole batch in one transaction. Returns the ids whose claim had moved on by
     * the end (then nothing was written: the transaction is rolled back); empty when it committed.
     */
    private Set<String> processBatch(List<EventRepository.Claimed> batch) {
        return tx.execute(status -> {
            Map<String, Map<String, String>> subjectsByTenant = new HashMap<>();
            batch.stream()
                    .map(EventRepository.Claimed::row)
                    .filter(e -> e.subject() != null)
                    .collect(Collectors.groupingBy(
                            EventRow::tenantId, Collectors.mapping(EventRow::subject, Collectors.toSet())))
                    .forEach((tenant, subs) -> subjectsByTenant.put(tenant, subjects.users(tenant, subs)));
            List<EventRow> mapped = batch.stream()
                    .map(c -> c.row()
                            .withUser(
                                    c.row().subject() == null
                                            ? null
                                            : subjectsByTenant
                                                    .getOrDefault(c.row().tenantId(), Map.of())
                                                    .get(c.row().subject())))
                    .toList();
            if (!routers.isEmpty() && !mapped.isEmpty()) {
                List<InboundEventRouter.Routed> routed = new ArrayList<>(mapped.size());
                for (int i = 0; i < mapped.size(); i++) {
                    byte[] body = batch.get(i).body();
                    routed.add(new InboundEventRouter.Routed(mapped.get(i).event(), body == null ? new byte[0] : body));
                }
                for (InboundEventRouter router : routers) router.routeAll(routed);
            }
            // A router's messages commit only with the events' ends, and only under these claims.
            Set<String> stale = events.markAllProcessed(mapped, Sql.now(clock));
            if (!stale.isEmpty()) status.setRollbackOnly();
            return stale;
        });
    }

    /** The claim had moved on when processing ended: everything the processing did is rolled back. */
    private static final class StaleClaim extends RuntimeException {
        StaleClaim() {
            super(null, null, false, false);
        }
    }

    /** One event in its own transaction; false when it failed for good (no attempts left). */
    private boolean process(EventRow event, byte[] body) {
        try {
            tx.executeWithoutResult(status -> {
                String userId = event.subject() == null
                        ? null
                        : subjects.find(event.tenantId(), event.subject())
                                .map(SubjectRepository.Mapping::userId)
                                .orElse(null);
                InboundEvent view = event.withUser(userId).event();
                for (InboundEventRouter router : routers) router.route(view, body == null ? new byte[0] : body);
                // A router's messages commit only with the event's end, and only under this claim.
                if (!events.markProcessed(event, userId, Sql.now(clock))) throw new StaleClaim();
            });
        } catch (StaleClaim stale) {
            log.info(
                    "Event {}: its claim ended before processing did (lease expired or replayed); rolled back",
                    event.id());
        } catch (RuntimeException e) {
            Instant now = Sql.now(clock);
            Instant retryAt = event.attempts() >= settings.maxAttempts() ? null : now.plus(backoff(event.attempts()));
            log.warn("Processing event {} failed (attempt {}): {}", event.id(), event.attempts(), e.toString());
            try {
                // The last failure and its announcement commit together: an alert is never lost.
                tx.executeWithoutResult(s -> {
                    if (events.markFailed(event, e.toString(), retryAt, now) && retryAt == null) {
                        publisher.publishEvent(new InboundProcessingFailed(
                                event.tenantId(),
                                event.sourceId(),
                                event.id(),
                                e.getClass().getSimpleName(),
                                now));
                    }
                });
                if (retryAt == null) return false;
            } catch (RuntimeException again) {
                // The lease expires and the event is claimed again; nothing is lost.
                log.warn("Could not record the failure of event {}", event.id(), again);
            }
        }
        return true;
    }

    /** 5 s, 10 s, 20 s … doubling per attempt, capped at one hour. */
    static Duration backoff(int attempt) {
        long seconds = 5L << Math.min(Math.max(attempt - 1, 0), 20);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    @Override
    public void start() {
        if (settings.enabled()) worker.start();
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
