package dev.switchboard.operations;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Deletes alerts (and signals given up) after {@code alert-retention} and job runs after {@code
 * job-run-retention}, in small batches.
 */
@Component
class OperationsRetention extends RetentionWorker {

    OperationsRetention(
            AlertRepository alerts,
            JobRunRepository jobs,
            SignalRepository signals,
            OperationsProperties properties,
            Clock clock) {
        super(
                "operations-retention",
                properties.retentionInterval(),
                clock,
                List.of(
                        new Purge("alerts", properties.alertRetention(), alerts::deleteOlderThan),
                        new Purge("job runs", properties.jobRunRetention(), jobs::deleteOlderThan),
                        new Purge("signals given up", properties.alertRetention(), signals::deleteGivenUpBefore)));
    }
}
