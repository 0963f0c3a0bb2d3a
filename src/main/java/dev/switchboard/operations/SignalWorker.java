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
 * be claimed again when its lease ends. A signal whose application fails is retried with backoff
 * ({@link #backoff}) up to {@link #MAX_ATTEMPTS} times, then given up: marked, logged as an error,
 * counted as a failed item in the job log, and kept (not claimed again) until retention removes it.
 * A poison signal so costs a bounded number of attempts instead of one every lease, forever.
 */
@Component
class SignalWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SignalWorker.class);
    static final int BATCH = 50;
    static final Duration LEASE = Duration.ofSeconds(60);
    static final int MAX_ATTEMPTS = 8;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final Duration MAX_RETRY = Duration.ofMinutes(30);

    /** The wait after the {@code failures}-th failure (1-based): 30 s doubling, at most 30 min. */
    static Duration backoff(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 16);
        Duration d = FIRST_RETRY.multipliedBy(1L << shift);
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

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
                if (c.signal() == null) throw new IllegalStateException("a signal this version cannot read");
                tx.executeWithoutResult(s -> {
                    if (signals.delete(c)) alerting.apply(c.signal(), Sql.now(clock));
                });
            } catch (RuntimeException e) {
                failed++;
                giveUpOrRetry(c, e);
            }
        }
        PollingWorker.itemsFailed(failed);
        return ids.size();
    }

    private void giveUpOrRetry(SignalRepository.Claimed c, RuntimeException e) {
        int failures = c.attempts() + 1;
        boolean giveUp = failures >= MAX_ATTEMPTS;
        Instant now = Sql.now(clock);
        Duration wait = backoff(failures);
        try {
            if (!signals.failed(c, e.toString(), now.plus(wait), giveUp, now)) return; // another node took it over
        } catch (RuntimeException recording) {
            // Left claimed: tried again when its lease ends, which is a backoff of its own.
            log.warn("Recording the failure of alert signal {} failed", c.id(), recording);
        }
        if (giveUp) {
            log.error(
                    "Gave up on alert signal {} (kind={}, tenant={}) after {} attempts; it stays in alert_signals"
                            + " with gave_up_at set",
                    c.id(),
                    c.signal() == null ? "?" : c.signal().kind().wire(),
                    c.signal() == null ? "?" : c.signal().tenantId(),
                    failures,
                    e);
        } else {
            log.warn(
                    "Applying alert signal {} failed (attempt {} of {}); next try in {}",
                    c.id(),
                    failures,
                    MAX_ATTEMPTS,
                    wait,
                    e);
        }
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
