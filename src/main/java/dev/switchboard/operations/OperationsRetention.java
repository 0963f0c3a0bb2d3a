package dev.switchboard.operations;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Deletes alerts after {@code alert-retention} and job runs after {@code job-run-retention}, in small batches. */
@Component
class OperationsRetention implements SmartLifecycle {

    static final int BATCH = 500;

    private final AlertRepository alerts;
    private final JobRunRepository jobs;
    private final OperationsProperties properties;
    private final Clock clock;
    private final PollingWorker worker;

    OperationsRetention(AlertRepository alerts, JobRunRepository jobs, OperationsProperties properties, Clock clock) {
        this.alerts = alerts;
        this.jobs = jobs;
        this.properties = properties;
        this.clock = clock;
        this.worker = new PollingWorker(
                "operations-retention", properties.retentionInterval(), Integer.MAX_VALUE, () -> run(100));
    }

    /** Up to {@code maxBatches} batches of each kind; returns the rows deleted. */
    int run(int maxBatches) {
        Instant now = Sql.now(clock);
        int deleted = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = alerts.deleteOlderThan(now.minus(properties.alertRetention()), BATCH);
            deleted += n;
        }
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = jobs.deleteOlderThan(now.minus(properties.jobRunRetention()), BATCH);
            deleted += n;
        }
        return deleted;
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
