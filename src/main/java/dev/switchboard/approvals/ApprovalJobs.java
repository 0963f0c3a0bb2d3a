package dev.switchboard.approvals;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The background side of approvals, each on a loop of its own like every module's: requests whose
 * time is up expire (their jobs end {@code expired}, never sent), and Slack callbacks remembered
 * against replay are forgotten once long past Slack's timestamp tolerance. Safe with several nodes:
 * each expiry is a state-guarded update, so one node's wins and the others change nothing.
 */
@Component
class ApprovalJobs implements SmartLifecycle {

    static final int BATCH = 100;

    private final Approvals approvals;
    private final ApprovalRepository repository;
    private final ApprovalsProperties properties;
    private final Clock clock;
    private final List<PollingWorker> workers;

    ApprovalJobs(Approvals approvals, ApprovalRepository repository, ApprovalsProperties properties, Clock clock) {
        this.approvals = approvals;
        this.repository = repository;
        this.properties = properties;
        this.clock = clock;
        this.workers = List.of(
                new PollingWorker(
                        "approval-expiry", properties.expiryInterval(), BATCH, () -> approvals.expireDue(BATCH)),
                new PollingWorker("approval-callback-purge", Duration.ofMinutes(5), BATCH, this::purgeCallbacks));
    }

    /** Looks for expired requests now (tests move the clock, then wake it). */
    void wake() {
        workers.getFirst().wake();
    }

    int purgeCallbacks() {
        // Three times the tolerance: a callback seen that long ago (even one stamped in the future) now fails its
        // timestamp check before the replay check.
        var cutoff = Sql.now(clock).minusSeconds(3L * properties.slackTolerance());
        return repository.purgeCallbacks(cutoff, BATCH);
    }

    @Override
    public void start() {
        workers.forEach(PollingWorker::start);
    }

    @Override
    public void stop() {
        workers.forEach(PollingWorker::stop);
    }

    @Override
    public boolean isRunning() {
        return workers.getFirst().running();
    }
}
