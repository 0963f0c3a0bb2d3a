package dev.switchboard.analytics;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * A tenant's analytics over a time range, from the rollups only: hourly series read hour rows, daily
 * series day rows, each with the finer rows of the hour or day still open; percentiles come from
 * merged sketches. Ranges are whole hours or
 * whole UTC days (the interval's), ending at the bucket that holds {@code to}.
 */
@Service
class Analytics {

    enum Interval {
        HOUR,
        DAY
    }

    enum GroupBy {
        PROVIDER,
        SOURCE,
        ENDPOINT,
        CONNECTION
    }

    /** The query as received: every field may be null. */
    record Query(String from, String to, String range, String groupBy, String interval) {}

    /**
     * Counts and rates of a bucket, a group or the whole range. Rates and latencies are null when
     * there is nothing to divide by.
     */
    record Metrics(
            long received,
            long rejected,
            long duplicates,
            Double acceptRate,
            long attempts,
            long succeeded,
            long failed,
            Double successRate,
            Double latencyAvgMs,
            Double latencyP95Ms,
            long calls,
            long calls2xx,
            long calls3xx,
            long calls4xx,
            long calls5xx,
            long callErrors,
            Double callSuccessRate,
            Double callLatencyAvgMs,
            Double callLatencyP95Ms) {

        static Metrics of(Tally t) {
            return new Metrics(
                    t.received,
                    t.rejected,
                    t.duplicates,
                    ratio(t.received, t.received + t.rejected),
                    t.attempts,
                    t.succeeded,
                    t.failed,
                    ratio(t.succeeded, t.attempts),
                    t.attempts == 0 ? null : round((double) t.deliveryLatencySum / t.attempts),
                    round(t.deliveryLatency.quantile(0.95)),
                    t.calls,
                    t.calls2xx,
                    t.calls3xx,
                    t.calls4xx,
                    t.calls5xx,
                    t.callsError,
                    ratio(t.calls2xx, t.calls),
                    t.calls == 0 ? null : round((double) t.callLatencySum / t.calls),
                    round(t.callLatency.quantile(0.95)));
        }
    }

    record Point(Instant at, Metrics metrics) {}

    /** One group's series (buckets without activity are left out) and its totals. {@code key} null: no provider. */
    record Series(String key, Metrics totals, List<Point> points) {}

    /** A provider's share of the range's traffic (events received, attempts and calls). */
    record ProviderShare(String provider, long received, long attempts, long calls, double share) {}

    record Report(
            Instant from,
            Instant to,
            String interval,
            String groupBy,
            Metrics totals,
            List<Series> series,
            List<ProviderShare> providers) {}

    static final Duration MAX_RANGE = Duration.ofDays(366);
    static final Duration MAX_HOURLY = Duration.ofDays(92);

    private final RollupRepository rollups;
    private final Rollups job;
    private final Duration hourRetention;
    private final Clock clock;

    Analytics(RollupRepository rollups, Rollups job, AnalyticsProperties properties, Clock clock) {
        this.rollups = rollups;
        this.job = job;
        this.hourRetention = properties.hourRetention();
        this.clock = clock;
    }

    Report report(String tenantId, Query q) {
        GroupBy groupBy = parse(GroupBy.class, "groupBy", q.groupBy(), GroupBy.PROVIDER);
        Instant now = Sql.now(clock);
        Instant from;
        Instant to;
        Interval interval;
        if (q.range() != null) {
            if (q.from() != null || q.to() != null) {
                throw ApiException.invalid("range", "give range, or from and to, not both");
            }
            Duration span = switch (q.range()) {
                case "week" -> Duration.ofDays(7);
                case "month" -> Duration.ofDays(30);
                case "quarter" -> Duration.ofDays(90);
                default -> throw ApiException.invalid("range", "must be week, month or quarter");
            };
            interval = parse(
                    Interval.class,
                    "interval",
                    q.interval(),
                    span.toDays() <= 7 && span.compareTo(hourRetention) <= 0 ? Interval.HOUR : Interval.DAY);
            to = ceil(now, interval);
            from = to.minus(span);
        } else {
            if (q.from() == null) {
                if (q.to() != null) throw ApiException.invalid("from", "is required with to");
                return report(tenantId, new Query(null, null, "week", q.groupBy(), q.interval()));
            }
            Instant f = Timestamps.parse("from", q.from());
            Instant t = q.to() == null ? now : Timestamps.parse("to", q.to());
            if (!f.isBefore(t)) throw ApiException.invalid("to", "must be after from");
            if (Duration.between(f, t).compareTo(MAX_RANGE) > 0) {
                throw ApiException.invalid("from", "the range may span at most 366 days");
            }
            interval = parse(
                    Interval.class,
                    "interval",
                    q.interval(),
                    Duration.between(f, t).compareTo(Duration.ofDays(7)) <= 0 && !f.isBefore(hourlyReach(now))
                            ? Interval.HOUR
                            : Interval.DAY);
            from = floor(f, interval);
            to = ceil(t, interval);
        }
        if (interval == Interval.HOUR && Duration.between(from, to).compareTo(MAX_HOURLY) > 0) {
            throw ApiException.invalid("interval", "hour is allowed for ranges up to 92 days; use day");
        }
        if (interval == Interval.HOUR && from.isBefore(hourlyReach(now))) {
            // Hour rows are purged after hour-retention; an hourly series older than that would be silently empty.
            throw ApiException.invalid(
                    "interval",
                    "hourly series reach back " + hourRetention.toDays() + " days; use day for older ranges");
        }
        return build(tenantId, from, to, interval, groupBy);
    }

    /** The oldest hour still held in hour rows. */
    private Instant hourlyReach(Instant now) {
        return now.minus(hourRetention).truncatedTo(ChronoUnit.HOURS);
    }

    /** A group's activity in one bucket of the answer, from one provider. */
    private record Cell(String group, Instant at, String provider) {}

    private Report build(String tenantId, Instant from, Instant to, Interval interval, GroupBy groupBy) {
        Set<Kind> kinds = switch (groupBy) {
            case PROVIDER -> null;
            case SOURCE -> Set.of(Kind.SOURCE);
            case ENDPOINT -> Set.of(Kind.ENDPOINT);
            case CONNECTION -> Set.of(Kind.CONNECTION);
        };
        ChronoUnit unit = interval == Interval.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        // Rows merge into cells (one sketch decode per row), cells into points, points into series
        // totals and those into the range's total: each sketch merge above the rows is in memory.
        Map<Cell, Tally> cells = new HashMap<>();
        java.util.function.Function<Buckets.Key, Tally> into = k -> cells.computeIfAbsent(
                new Cell(
                        groupBy == GroupBy.PROVIDER ? k.provider() : k.subjectId(),
                        k.bucket().truncatedTo(unit),
                        k.provider()),
                x -> new Tally());
        // Coarse rows where they are final, minute rows after them (see Rollups): days, then hours,
        // then the minutes of the current hour.
        for (Rollups.Range r : job.ranges(kinds, from, to, interval == Interval.DAY)) {
            rollups.forEach(r.grain(), tenantId, r.kinds(), r.from(), r.to(), into);
        }
        Tally total = new Tally();
        Map<String, Map<Instant, Tally>> points = new HashMap<>();
        Map<String, Tally> providers = new HashMap<>();
        cells.forEach((c, t) -> {
            points.computeIfAbsent(c.group(), x -> new TreeMap<>())
                    .computeIfAbsent(c.at(), x -> new Tally())
                    .add(t);
            providers.computeIfAbsent(c.provider(), x -> new Tally()).addCounts(t);
        });
        Map<String, Tally> groups = new HashMap<>();
        points.forEach((group, byTime) -> {
            Tally g = groups.computeIfAbsent(group, x -> new Tally());
            byTime.values().forEach(g::add);
            total.add(g);
        });
        List<Series> series = new ArrayList<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> series.add(new Series(
                        e.getKey().isEmpty() ? null : e.getKey(),
                        Metrics.of(e.getValue()),
                        points.get(e.getKey()).entrySet().stream()
                                .map(p -> new Point(p.getKey(), Metrics.of(p.getValue())))
                                .toList())));
        long traffic = providers.values().stream()
                .mapToLong(t -> t.received + t.attempts + t.calls)
                .sum();
        List<ProviderShare> shares = providers.entrySet().stream()
                .map(e -> {
                    Tally t = e.getValue();
                    long n = t.received + t.attempts + t.calls;
                    return new ProviderShare(
                            e.getKey().isEmpty() ? null : e.getKey(),
                            t.received,
                            t.attempts,
                            t.calls,
                            traffic == 0 ? 0 : round((double) n / traffic));
                })
                .sorted(Comparator.comparingDouble(ProviderShare::share).reversed())
                .toList();
        return new Report(
                from,
                to,
                interval.name().toLowerCase(Locale.ROOT),
                groupBy.name().toLowerCase(Locale.ROOT),
                Metrics.of(total),
                series,
                shares);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value, E fallback) {
        if (value == null) return fallback;
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) return e;
        }
        throw ApiException.invalid(
                field,
                "must be one of "
                        + String.join(
                                ", ",
                                java.util.Arrays.stream(type.getEnumConstants())
                                        .map(e -> e.name().toLowerCase(Locale.ROOT))
                                        .toList()));
    }

    private static Instant floor(Instant t, Interval i) {
        return t.truncatedTo(i == Interval.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS);
    }

    private static Instant ceil(Instant t, Interval i) {
        Instant f = floor(t, i);
        return f.equals(t) ? t : f.plus(i == Interval.HOUR ? Duration.ofHours(1) : Duration.ofDays(1));
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : round((double) part / whole);
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10_000) / 10_000.0;
    }
}
