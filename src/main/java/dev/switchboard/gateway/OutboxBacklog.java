package dev.switchboard.gateway;

import dev.switchboard.common.BacklogSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The outbox's queue for health and metrics: jobs due and not yet sent, and how long the oldest has
 * been due. Held jobs (their connection is not active) and jobs waiting for a retry or their
 * {@code notBefore} are not a backlog: nothing on this side can send them sooner.
 */
@Component
class OutboxBacklog implements BacklogSource {

    private final OutboxRepository jobs;

    OutboxBacklog(OutboxRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public List<Backlog> backlog(Instant now) {
        var b = jobs.backlog(now);
        long waiting = b.getKey();
        Duration oldest = waiting == 0 ? null : Duration.between(b.getValue(), now);
        if (oldest != null && oldest.isNegative()) oldest = Duration.ZERO;
        return List.of(new Backlog("outbox", waiting, oldest));
    }
}
