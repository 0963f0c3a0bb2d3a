package dev.switchboard.operations;

import dev.switchboard.common.Ids;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records every background batch that did work or failed ({@link PollingWorker.Run}); a failed
 * batch also signals the {@code job_failed} rule. Registered as the workers' recorder before any
 * other lifecycle bean starts its loop, and removed after they all stopped.
 */
@Component
class JobLog implements SmartLifecycle, PollingWorker.Recorder {

    private final JobRunRepository runs;
    private final SignalRepository signals;
    private final ObjectProvider<SignalWorker> signalWorker;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final java.util.Set<String> failuresOnly;
    private volatile boolean running;

    JobLog(
            JobRunRepository runs,
            SignalRepository signals,
            ObjectProvider<SignalWorker> signalWorker,
            TransactionTemplate tx,
            Clock clock,
            OperationsProperties properties) {
        this.failuresOnly = properties.jobLogFailuresOnly();
        this.runs = runs;
        this.signals = signals;
        this.signalWorker = signalWorker;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public void record(PollingWorker.Run run) {
        if (run.error() == null && failuresOnly.contains(run.name())) return;
        Instant end = Sql.now(clock);
        int failed = Math.min(run.failed(), run.processed());
        var row = new JobRunRepository.JobRun(
                Ids.next("job"),
                run.name(),
                end.minus(run.took()),
                end,
                run.processed(),
                run.processed() - failed,
                failed,
                run.error());
        tx.executeWithoutResult(s -> {
            runs.insert(row);
            if (run.error() != null) {
                signals.insert(
                        new Alerting.Signal(
                                Alerting.PLATFORM,
                                Rule.Kind.JOB_FAILED,
                                run.name(),
                                true,
                                "Background job failed",
                                "The job " + run.name() + " failed: " + run.error()),
                        end);
            }
        });
        if (run.error() != null) signalWorker.getObject().wake();
    }

    @Override
    public void start() {
        PollingWorker.recordRunsWith(this);
        running = true;
    }

    @Override
    public void stop() {
        PollingWorker.stopRecording(this);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before every worker (default phase 0 … MAX) starts, after every worker stopped. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
