package dev.switchboard.calllog;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Deletes calls older than the retention in small batches (each its own short statement, oldest
 * first), on a loop of its own: a long purge never blocks the calls being recorded.
 */
@Component
class CallLogRetention extends RetentionWorker {

    CallLogRetention(CallRepository calls, CallLogProperties properties, Clock clock) {
        super(
                "calllog-retention",
                properties.retentionInterval(),
                clock,
                List.of(new Purge("calls", properties.retention(), calls::deleteOlderThan)));
    }
}
