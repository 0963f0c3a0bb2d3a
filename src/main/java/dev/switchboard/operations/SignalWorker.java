package dev.switchboard.operations;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims waiting signals and applies each to the rules, in one transaction per signal that also
 * deletes it under its claim: a signal is applied once, and a node that dies mid-way leaves it to
 * be claimed again when its lease ends.
 */
@Component
class SignalWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SignalWorker.class);
    static final int BATCH = 50;
    static final Duration LEASE = Duration.ofSeconds(60);

    private final SignalRepository signals;
    private final Alerting alerting;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PollingWorker worker;

    SignalWorker(
            SignalRepository signals,
            Alerting alerting,
            TransactionTemplate tx,
            Clock clock,
            OperationsProperties properties) {
        this.signals = signals;
        this.alerting = alerting;
        this.tx = tx;
        this.clock = clock;
        this.worker = new PollingWorker("alert-signals", properties.pollInterval(), BATCH, this::runOnce);
    }

    void wake() {
        worker.wake();
    }

    int runOnce() {
        Instant now = Sql.now(clock);
        var ids = signals.claim(now, LEASE, BATCH);
        int failed = 0;
        for (SignalRepository.Claimed c : signals.load(ids)) {
            try {
                tx.executeWithoutResult(s -> {
                    if (signals.delete(c)) alerting.apply(c.signal(), Sql.now(clock));
                });
            } catch (RuntimeException e) {
                // Left claimed: tried again when the lease ends (two nodes firing one rule may race on its state).
                failed++;
                log.warn("Applying alert signal {} failed; it is retried after its lease", c.id(), e);
            }
        }
        PollingWorker.itemsFailed(failed);
        return ids.size();
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
