package dev.switchboard.operations;

import dev.switchboard.common.BacklogSource;
import dev.switchboard.common.BacklogSource.Backlog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads every module's {@link BacklogSource}, at most once per {@code healthCacheTtl} (health is
 * polled by load balancers, metrics by scrapers; each reading is a count over a queue), and keeps
 * a gauge per backlog: {@code switchboard.backlog.waiting} and {@code switchboard.backlog.oldest}
 * (seconds), tagged with the backlog's name.
 */
@Component
class Backlogs {

    private static final Logger log = LoggerFactory.getLogger(Backlogs.class);

    /** A reading, and the sources that could not be read. */
    record Reading(Instant at, List<Backlog> backlogs, List<String> failed) {
        Backlog named(String name) {
            return backlogs.stream()
                    .filter(b -> b.name().equals(name))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final List<BacklogSource> sources;
    private final OperationsProperties properties;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Timer readTime;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private volatile Reading last;

    Backlogs(List<BacklogSource> sources, OperationsProperties properties, MeterRegistry metrics, Clock clock) {
        this.sources = sources;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.readTime = Timer.builder("switchboard.backlog.read")
                .description("Time to read every backlog")
                .register(metrics);
    }

    /** The latest reading, taken now if the last one is older than the cache allows. */
    Reading read() {
        Instant now = clock.instant();
        Reading r = last;
        if (r != null && now.isBefore(r.at().plus(properties.healthCacheTtl())) && !now.isBefore(r.at())) return r;
        synchronized (this) {
            r = last;
            if (r != null && now.isBefore(r.at().plus(properties.healthCacheTtl())) && !now.isBefore(r.at())) return r;
            r = readTime.record(() -> take(now));
            last = r;
        }
        for (Backlog b : r.backlogs()) gauge(b.name());
        return r;
    }

    private Reading take(Instant now) {
        List<Backlog> all = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (BacklogSource s : sources) {
            try {
                all.addAll(s.backlog(now));
            } catch (RuntimeException e) {
                failed.add(s.getClass().getSimpleName());
                log.warn("Reading the backlog of {} failed", s.getClass().getSimpleName(), e);
            }
        }
        return new Reading(now, List.copyOf(all), List.copyOf(failed));
    }

    /** Whether a backlog is over the limits that make health DEGRADED. */
    boolean over(Backlog b) {
        return b.waiting() > properties.backlogMaxWaiting()
                || (b.oldest() != null && b.oldest().compareTo(properties.backlogMaxAge()) > 0);
    }

    private void gauge(String name) {
        if (!gauged.add(name)) return;
        Gauge.builder(
                        "switchboard.backlog.waiting",
                        this,
                        self -> value(self.read().named(name), false))
                .tag("name", name)
                .description("Items waiting in the backlog")
                .register(metrics);
        Gauge.builder(
                        "switchboard.backlog.oldest",
                        this,
                        self -> value(self.read().named(name), true))
                .tag("name", name)
                .baseUnit("seconds")
                .description("Age of the longest-waiting item (0 when none waits)")
                .register(metrics);
    }

    private static double value(Backlog b, boolean age) {
        if (b == null) return Double.NaN;
        if (!age) return b.waiting();
        return b.oldest() == null ? 0 : b.oldest().toMillis() / 1000.0;
    }

    Map<String, Object> describe(Backlog b) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("waiting", b.waiting());
        m.put("oldestSeconds", b.oldest() == null ? null : b.oldest().toSeconds());
        m.put("degraded", over(b));
        return m;
    }
}
