package dev.switchboard.analytics;

import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * A tenant's traffic today (the UTC day, as every rollup day is), for the hub's stat cards: events
 * received and deliveries attempted, from the rollups as {@link Analytics} reads them (day rows where
 * final, hour rows, then the open hour's minute rows), but summed in the database, with no sketch
 * read. As current as the rollup job's last run (its poll interval). The caller has checked that it
 * may read the tenant.
 */
@Component
public class TrafficToday {

    /** {@code successRate} is null when nothing was attempted. */
    public record Summary(long events, long rejected, long attempts, long succeeded, Double successRate) {}

    private static final Set<Kind> KINDS = EnumSet.of(Kind.SOURCE, Kind.ENDPOINT);

    private final RollupRepository rollups;
    private final Rollups job;
    private final Clock clock;

    TrafficToday(RollupRepository rollups, Rollups job, Clock clock) {
        this.rollups = rollups;
        this.job = job;
        this.clock = clock;
    }

    public Summary forTenant(String tenantId) {
        Instant day = Sql.now(clock).truncatedTo(ChronoUnit.DAYS);
        Tally t = new Tally();
        for (Rollups.Range r : job.ranges(KINDS, day, day.plus(Duration.ofDays(1)), true)) {
            rollups.sums(r.grain(), tenantId, r.kinds(), r.from(), r.to())
                    .values()
                    .forEach(t::addCounts);
        }
        return new Summary(
                t.received,
                t.rejected,
                t.attempts,
                t.succeeded,
                t.attempts == 0 ? null : Math.round((double) t.succeeded / t.attempts * 10_000) / 10_000.0);
    }
}
