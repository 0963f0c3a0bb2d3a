package dev.switchboard.analytics;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Deletes minute rows after {@code minute-retention}, hour rows after {@code hour-retention} and day
 * rows after {@code day-retention}, in small batches. A minute row is kept, whatever its age, until
 * its day's and its hour's rows are final: a stream catching up on an old history builds each day and
 * hour from minute rows that must still be there.
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
                                "hour rows",
                                properties.hourRetention(),
                                (cutoff, limit) -> rollups.deleteOlderThan(
                                        RollupRepository.Grain.HOUR, Set.of(Kind.values()), cutoff, limit)),
                        new Purge(
                                "day rows",
                                properties.dayRetention(),
                                (cutoff, limit) -> rollups.deleteOlderThan(
                                        RollupRepository.Grain.DAY, Set.of(Kind.values()), cutoff, limit))));
    }

    private static int purgeMinutes(RollupRepository rollups, Rollups job, Instant cutoff, int limit) {
        int done = 0;
        for (var e : job.splits().entrySet()) {
            Instant before = earliest(cutoff, e.getValue().days(), e.getValue().hours());
            done += rollups.deleteOlderThan(RollupRepository.Grain.MINUTE, Set.of(e.getKey()), before, limit - done);
            if (done >= limit) break;
        }
        return done;
    }

    private static Instant earliest(Instant a, Instant b, Instant orNull) {
        Instant min = a.isBefore(b) ? a : b;
        return orNull != null && orNull.isBefore(min) ? orNull : min;
    }
}
