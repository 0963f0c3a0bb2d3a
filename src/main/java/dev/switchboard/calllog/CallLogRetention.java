package dev.switchboard.calllog;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes calls older than the retention in small batches (each its own short statement, oldest
 * first), on a loop of its own: a long purge never blocks the calls being recorded.
 */
@Component
class CallLogRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallLogRetention.class);
    static final int BATCH = 500;

    private final CallRepository calls;
    private final CallLogProperties properties;
    private final Clock clock;
    private final PollingWorker worker;

    CallLogRetention(CallRepository calls, CallLogProperties properties, Clock clock) {
        this.calls = calls;
        this.properties = properties;
        this.clock = clock;
        this.worker = new PollingWorker(
                "calllog-retention", properties.retentionInterval(), Integer.MAX_VALUE, () -> run(100));
    }

    /** Runs up to {@code maxBatches} batches; returns the calls deleted. */
    int run(int maxBatches) {
        Instant cutoff = Sql.now(clock).minus(properties.retention());
        int deleted = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = calls.deleteOlderThan(cutoff, BATCH);
            deleted += n;
        }
        if (deleted > 0) log.info("Call log retention deleted {} calls", deleted);
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
