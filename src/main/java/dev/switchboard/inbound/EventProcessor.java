package dev.switchboard.inbound;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The asynchronous stage after ingest, driven by the database so that it survives restarts and
 * shares work across nodes: claim due events (leased, so a crashed node's events are taken over),
 * resolve the subject's user, hand each to the routers, and mark it processed. A claimed batch is
 * processed in one transaction (subjects and bodies read once for the batch, the marks and run rows
 * written as batched statements); if anything in it fails, the batch is rolled back and its events
 * are processed one per transaction, so one bad event fails alone. A failure is retried with
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
    }

    /** Called after an ingest commits, so a new event is processed without waiting for the next poll. */
    void wake() {
        worker.wake();
    }

    /**
     * Claims and processes one batch of due events; returns how many it claimed. Events are
     * processed one after another, so the batch is sized to the lease as it goes: once less than a
     * quarter of the lease is left, the rest of the batch is given back for the next claim rather
     * than processed under a lease about to end.
     */
    int runOnce() {
        Instant now = Sql.now(clock);
        List<String> ids = events.claimDue(now, settings.lease(), settings.batchSize());
        if (ids.isEmpty()) return 0;
        Instant stopAt = now.plus(settings.lease().multipliedBy(3).dividedBy(4));
        // In claim order, so each source's (and subject's) events are routed in the order they came.
        List<EventRow> claimed = events.findAll(ids).stream()
                .sorted(java.util.Comparator.comparing(EventRow::nextAttemptAt)
                        .thenComparing(EventRow::receivedAt)
                        .thenComparing(EventRow::id))
                .toList();
        try {
            java.util.Set<String> stale = processBatch(claimed);
            if (!stale.isEmpty()) {
                // Rolled back; those whose claim moved on are their new claimant's, the rest go again.
                log.info("{} events of a batch: their claim ended before processing did; rolled back", stale.size());
                claimed = claimed.stream().filter(e -> !stale.contains(e.id())).toList();
                if (processBatch(claimed).isEmpty()) return ids.size();
            } else {
                return ids.size();
            }
        } catch (RuntimeException e) {
            log.info(
                    "A batch of {} events failed as a whole ({}); processing them one by one",
                    claimed.size(),
                    e.toString());
        }
        for (EventRow event : claimed) {
            if (!Sql.now(clock).isBefore(stopAt)) {
                events.release(event);
                continue;
            }
            process(event);
        }
        return ids.size();
    }

    /**
     * The fast path: the whole batch in one transaction. Returns the ids whose claim had moved on by
     * the end (then nothing was written: the transaction is rolled back); empty when it committed.
     */
    private java.util.Set<String> processBatch(List<EventRow> batch) {
        return tx.execute(status -> {
            Map<String, Map<String, String>> subjectsByTenant = new HashMap<>();
            batch.stream()
                    .filter(e -> e.subject() != null)
                    .collect(java.util.stream.Collectors.groupingBy(
                            EventRow::tenantId,
                            java.util.stream.Collectors.mapping(
                                    EventRow::subject, java.util.stream.Collectors.toSet())))
                    .forEach((tenant, subs) -> subjectsByTenant.put(tenant, subjects.users(tenant, subs)));
            List<EventRow> mapped = batch.stream()
                    .map(e -> e.withUser(
                            e.subject() == null
                                    ? null
                                    : subjectsByTenant
                                            .getOrDefault(e.tenantId(), Map.of())
                                            .get(e.subject())))
                    .toList();
            if (!routers.isEmpty() && !mapped.isEmpty()) {
                Map<String, byte[]> bodies =
                        events.bodies(mapped.stream().map(EventRow::id).toList());
                List<InboundEventRouter.Routed> routed = mapped.stream()
                        .map(e -> new InboundEventRouter.Routed(e.event(), bodies.getOrDefault(e.id(), new byte[0])))
                        .toList();
                for (InboundEventRouter router : routers) router.routeAll(routed);
            }
            // A router's messages commit only with the events' ends, and only under these claims.
            java.util.Set<String> stale = events.markAllProcessed(mapped, Sql.now(clock));
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

    private void process(EventRow event) {
        try {
            tx.executeWithoutResult(status -> {
                String userId = event.subject() == null
                        ? null
                        : subjects.find(event.tenantId(), event.subject())
                                .map(SubjectRepository.Mapping::userId)
                                .orElse(null);
                InboundEvent view = withUser(event, userId).event();
                if (!routers.isEmpty()) {
                    byte[] body = events.body(event.id());
                    for (InboundEventRouter router : routers) router.route(view, body == null ? new byte[0] : body);
                }
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
                if (retryAt == null) dev.switchboard.common.PollingWorker.itemsFailed(1);
            } catch (RuntimeException again) {
                // The lease expires and the event is claimed again; nothing is lost.
                log.warn("Could not record the failure of event {}", event.id(), again);
            }
        }
    }

    /** 5 s, 10 s, 20 s … doubling per attempt, capped at one hour. */
    static Duration backoff(int attempt) {
        long seconds = 5L << Math.min(Math.max(attempt - 1, 0), 20);
        return Duration.ofSeconds(Math.min(seconds, 3600));
    }

    private static EventRow withUser(EventRow e, String userId) {
        return e.withUser(userId);
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
