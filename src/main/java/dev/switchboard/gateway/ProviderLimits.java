package dev.switchboard.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.connections.ConnectionAccess;
import dev.switchboard.connections.ConnectionAccess.Limits;
import dev.switchboard.connections.ConnectionAccess.Target;
import dev.switchboard.outbound.OperationalEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The limiter: a connection's limits (its override merged per window over its provider's catalog figures for its
 * environment) as a cluster-wide token bucket ({@link Pacer} over {@link LimitBuckets}), and on top
 * the provider's own signals ({@link ProviderSignals}) kept in the database for every node: a pause
 * until its reset, or calls spread out while few remain. Crossing 80 % and 100 % of a window of a
 * minute or longer is reported once per calendar window as {@code switchboard.ratelimit.warning} and
 * {@code switchboard.ratelimit.exceeded}; per-second windows are pacing, not quotas, and reaching
 * them is routine, so they report nothing.
 */
@Component
class ProviderLimits implements ProviderLimiter {

    static final String WARNING = "switchboard.ratelimit.warning";
    static final String EXCEEDED = "switchboard.ratelimit.exceeded";
    static final double WARN_AT = 0.8;

    private static final Logger log = LoggerFactory.getLogger(ProviderLimits.class);

    /** A connection's limits as they apply now, and where they come from. */
    record Effective(Target target, Limits limits, boolean overridden, Optional<Pacer> pacer) {}

    /** One window's figures for the usage view. */
    record WindowUsage(String window, int limit, long capacity, long used, long remaining) {}

    record ThrottleView(Instant until, Long spacingMillis, String reason) {}

    /**
     * {@code limits} are the ones in force, {@code source} "override" when the connection has its
     * own ({@code override}, as set, merged over the catalog's per window), else "catalog".
     */
    record Usage(
            String connection,
            String provider,
            String environment,
            String backend,
            Limits limits,
            String source,
            List<WindowUsage> windows,
            ThrottleView throttle,
            Limits override) {}

    private final LimitBuckets buckets;
    private final LimitRepository repository;
    private final ConnectionAccess connections;
    private final OperationalEvents events;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Cache<String, Effective> effective;
    private final Cache<String, Boolean> reported = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(32))
            .build();
    private volatile Instant prunedAt = Instant.EPOCH;

    /** A throttle read (or its absence), and until when (on the application clock) this node may reuse it. */
    private record KnownThrottle(Optional<LimitRepository.Throttle> throttle, Instant until) {}

    /**
     * What this node last read of each connection's throttle, for {@code throttle-cache-ttl}: without
     * it every call reads the table although a throttle is rare. Only "none in force" is reused: while
     * one is, every call reads it again (its slots are claimed in the database anyway). A throttle this
     * node sets forgets the entry at once; one set on another node applies here within the TTL.
     */
    private final Cache<String, KnownThrottle> throttles;

    private final Duration throttleTtl;
    /** Moves on every forget: a read that began before one does not store what it read. */
    private final AtomicLong throttleGeneration = new AtomicLong();

    ProviderLimits(
            LimitBuckets buckets,
            LimitRepository repository,
            ConnectionAccess connections,
            OperationalEvents events,
            TransactionTemplate tx,
            Clock clock,
            GatewayProperties properties) {
        this.buckets = buckets;
        this.repository = repository;
        this.connections = connections;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
        this.effective = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.limitsCacheTtl())
                .build();
        this.throttleTtl = properties.throttleCacheTtl();
        // Entries end on the application clock (tests move it); Caffeine only bounds the memory.
        this.throttles = throttleTtl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(100_000)
                        .expireAfterWrite(throttleTtl.multipliedBy(2).plusSeconds(1))
                        .build();
    }

    /** The connection's throttle in force at {@code now}, if any: read, or reused while none was in force. */
    private Optional<LimitRepository.Throttle> throttle(String tenantId, String connectionId, Instant now) {
        String key = tenantId + "/" + connectionId;
        if (throttles != null) {
            var known = throttles.getIfPresent(key);
            if (known != null
                    && now.isBefore(known.until())
                    && inForce(known.throttle(), now).isEmpty()) {
                return Optional.empty();
            }
        }
        long before = throttleGeneration.get();
        var read = repository.throttle(tenantId, connectionId);
        if (throttles != null && throttleGeneration.get() == before) {
            throttles.put(key, new KnownThrottle(read, now.plus(throttleTtl)));
        }
        return inForce(read, now);
    }

    private static Optional<LimitRepository.Throttle> inForce(Optional<LimitRepository.Throttle> t, Instant now) {
        return t.filter(x -> now.isBefore(x.resumeAt()));
    }

    private void forgetThrottle(String tenantId, String connectionId) {
        throttleGeneration.incrementAndGet();
        if (throttles != null) throttles.invalidate(tenantId + "/" + connectionId);
    }

    @Override
    public Optional<Duration> tryAcquire(String tenantId, String connectionId, String provider) {
        Instant now = clock.instant();
        Effective e = effective(tenantId, connectionId);
        var throttle = throttle(tenantId, connectionId, now);
        if (throttle.isPresent()) {
            var t = throttle.get();
            if (t.spacing() == null) return Optional.of(Duration.between(now, t.resumeAt()));
            if (t.nextAt() != null && t.nextAt().isAfter(now)) return Optional.of(Duration.between(now, t.nextAt()));
        }
        Pacer.Take take = null;
        if (e.pacer().isPresent()) {
            take = e.pacer().get().take(buckets);
            if (!take.granted()) {
                report(e, take.available(), now);
                return Optional.of(take.delay());
            }
        }
        if (throttle.isPresent()
                && !repository.claimSlot(
                        tenantId, connectionId, now, throttle.get().spacing())) {
            // Another node took the slot between our read and our claim: give the token back and wait.
            if (take != null) e.pacer().get().refund(buckets);
            return Optional.of(throttle.get().spacing());
        }
        if (take != null) report(e, take.available(), now);
        return Optional.empty();
    }

    @Override
    public Duration interval(String tenantId, String connectionId) {
        var pacer = effective(tenantId, connectionId).pacer();
        if (pacer.isEmpty()) return Duration.ZERO;
        Duration shortest = null;
        for (int i = 0; i < pacer.get().windows().size(); i++) {
            Duration d = pacer.get()
                    .windows()
                    .get(i)
                    .length
                    .dividedBy(pacer.get().limits().get(i));
            if (shortest == null || d.compareTo(shortest) < 0) shortest = d;
        }
        return shortest;
    }

    @Override
    public void observe(
            String tenantId, String connectionId, String provider, int status, Map<String, List<String>> headers) {
        Instant now = clock.instant();
        ProviderSignals s = ProviderSignals.read(status, headers, now);
        if (!s.any()) return;
        repository.throttle(tenantId, connectionId, now.plus(s.resumeIn()), s.spacing(), s.reason(), now);
        forgetThrottle(tenantId, connectionId);
    }

    /** The connection's usage per window, its limits and any throttle the provider asked for. */
    Usage usage(String tenantId, String connectionId) {
        effective.invalidate(tenantId + "/" + connectionId);
        Effective e = effective(tenantId, connectionId);
        List<WindowUsage> windows = new ArrayList<>();
        if (e.pacer().isPresent()) {
            Pacer p = e.pacer().get();
            long[] available = p.peek(buckets);
            for (int i = 0; i < p.windows().size(); i++) {
                long capacity = p.capacities().get(i);
                long left = Math.max(0, Math.min(capacity, available[i]));
                windows.add(
                        new WindowUsage(p.windows().get(i).wire(), p.limits().get(i), capacity, capacity - left, left));
            }
        }
        Instant now = clock.instant();
        ThrottleView throttle = repository
                .throttle(tenantId, connectionId)
                .filter(t -> now.isBefore(t.resumeAt()))
                .map(t -> new ThrottleView(
                        t.resumeAt(), t.spacing() == null ? null : t.spacing().toMillis(), t.reason()))
                .orElse(null);
        Target t = e.target();
        return new Usage(
                t.connectionId(),
                t.provider(),
                t.environment(),
                buckets.backend(),
                e.limits(),
                e.overridden() ? "override" : "catalog",
                windows,
                throttle,
                e.overridden() ? repository.override(tenantId, connectionId).orElse(null) : null);
    }

    /**
     * A connection's limits: its override merged window by window over its provider's. A window the
     * override names takes the override's rate, 0 removing that window; the others keep the
     * catalog's. The burst belongs to the shortest window: the override's when it gives one, else the
     * catalog's while that window's rate is still the catalog's, else none (its rate).
     */
    static Limits merge(Limits catalog, Limits override) {
        Integer s = pick(catalog.perSecond(), override.perSecond());
        Integer m = pick(catalog.perMinute(), override.perMinute());
        Integer h = pick(catalog.perHour(), override.perHour());
        Integer d = pick(catalog.perDay(), override.perDay());
        Integer mo = pick(catalog.perMonth(), override.perMonth());
        Limits merged = new Limits(s, m, h, d, mo, null);
        Integer burst = override.burst();
        if (burst == null) {
            Window shortest = shortest(merged);
            if (shortest != null && shortest == shortest(catalog) && shortest.rate(override) == null) {
                burst = catalog.burst();
            }
        }
        return new Limits(s, m, h, d, mo, burst);
    }

    private static Integer pick(Integer catalog, Integer override) {
        if (override == null) return catalog;
        return override == 0 ? null : override;
    }

    private static Window shortest(Limits l) {
        for (Window w : Window.values()) {
            if (w.rate(l) != null) return w;
        }
        return null;
    }

    /**
     * Sets (or with null, removes) the connection's own limits, merged per window over its
     * provider's ({@link #merge}).
     */
    Usage override(String tenantId, String connectionId, Limits limits) {
        connections.target(tenantId, connectionId);
        repository.putOverride(tenantId, connectionId, limits, clock.instant());
        effective.invalidate(tenantId + "/" + connectionId);
        return usage(tenantId, connectionId);
    }

    Effective effective(String tenantId, String connectionId) {
        return effective.get(tenantId + "/" + connectionId, k -> {
            Target t = connections.target(tenantId, connectionId);
            var own = repository.override(tenantId, connectionId);
            Limits l = own.map(o -> merge(t.limits(), o)).orElse(t.limits());
            return new Effective(t, l, own.isPresent(), Pacer.of(connectionId, l));
        });
    }

    /** Reports the 80 % and 100 % crossings of minute-and-longer windows, once per calendar window. */
    private void report(Effective e, long[] available, Instant now) {
        Pacer p = e.pacer().orElseThrow();
        for (int i = 0; i < p.windows().size(); i++) {
            Window w = p.windows().get(i);
            if (w == Window.SECOND) continue;
            long capacity = p.capacities().get(i);
            long used = capacity - Math.max(0, available[i]);
            if (used >= capacity) {
                crossing(e, w, p.limits().get(i), used, "warning", now);
                crossing(e, w, p.limits().get(i), used, "exceeded", now);
            } else if (used >= Math.ceil(capacity * WARN_AT)) {
                crossing(e, w, p.limits().get(i), used, "warning", now);
            }
        }
    }

    private void crossing(Effective e, Window w, int limit, long used, String level, Instant now) {
        Target t = e.target();
        Instant start = w.start(now);
        String key = t.connectionId() + "|" + w.wire() + "|" + start.toEpochMilli() + "|" + level;
        if (reported.getIfPresent(key) != null) return;
        try {
            tx.executeWithoutResult(status -> {
                if (!repository.firstCrossing(t.tenantId(), t.connectionId(), w, start, level, now)) return;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("connection", t.connectionId());
                data.put("provider", t.provider());
                data.put("window", w.wire());
                data.put("windowStart", start.toString());
                data.put("limit", limit);
                data.put("used", used);
                events.emit(t.tenantId(), level.equals("warning") ? WARNING : EXCEEDED, data, now);
            });
            reported.put(key, Boolean.TRUE);
        } catch (RuntimeException ex) {
            // Reporting never stops the call it counts; the next call tries again.
            log.warn("Could not report a rate-limit crossing for connection {}: {}", t.connectionId(), ex.toString());
        }
        if (Duration.between(prunedAt, now).compareTo(Duration.ofHours(1)) > 0) {
            prunedAt = now;
            repository.pruneCrossings(now.minus(Duration.ofDays(40)));
        }
    }
}
