package dev.switchboard.analytics;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Deletes minute rows after {@code minute-retention} and day rows after {@code day-retention}, in
 * small batches. A minute row is kept, whatever its age, until its day's row is final: a stream
 * catching up on an old history builds each day from minute rows that must still be there.
 */
@Component
class AnalyticsRetention extends RetentionWorker {

    AnalyticsRetention(RollupRepository rollups, Rollups job, AnalyticsProperties properties, Clock clock) {
        super(
                "analytics-retention",
                properties.retentionInterval(),
                clock,
                List.of(
                        new Purge(
                                "minute rows",
                                properties.minuteRetention(),
                                (cutoff, limit) -> purgeMinutes(rollups, job, cutoff, limit)),
                        new Purge(
                                "day rows",
                                properties.dayRetention(),
                                (cutoff, limit) -> rollups.deleteOlderThan(
                                        RollupRepository.Grain.DAY, Set.of(Kind.values()), cutoff, limit))));
    }

    private static int purgeMinutes(RollupRepository rollups, Rollups job, Instant cutoff, int limit) {
        int done = 0;
        for (var e : job.finalBefore().entrySet()) {
            Instant before = e.getValue().isBefore(cutoff) ? e.getValue() : cutoff;
            done += rollups.deleteOlderThan(RollupRepository.Grain.MINUTE, Set.of(e.getKey()), before, limit - done);
            if (done >= limit) break;
        }
        return done;
    }
}
