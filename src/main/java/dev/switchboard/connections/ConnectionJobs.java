package dev.switchboard.connections;

import dev.switchboard.common.Claims;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The background side of connections, each job on a loop of its own (so a slow token endpoint never
 * delays health checks, nor the other way round), safe with several nodes: token refreshes ahead of
 * expiry (each claimed per connection by {@link TokenRefresh}), health checks when due (claimed with
 * SKIP LOCKED, no more than finish within the claim's lease), and the purge of expired OAuth states.
 * Disabled tenants' connections are neither refreshed nor checked.
 */
@Component
class ConnectionJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionJobs.class);
    static final int REFRESH_BATCH = 100;
    static final int PURGE_BATCH = 500;

    private final ConnectionRepository connections;
    private final HealthRepository healthRecords;
    private final OAuthStates states;
    private final TokenRefresh refresh;
    private final HealthChecks health;
    private final Catalog catalog;
    private final Claims claims;
    private final ConnectionsProperties properties;
    private final Clock clock;
    private final List<PollingWorker> workers;

    ConnectionJobs(
            ConnectionRepository connections,
            HealthRepository healthRecords,
            OAuthStates states,
            TokenRefresh refresh,
            HealthChecks health,
            Catalog catalog,
            Claims claims,
            ConnectionsProperties properties,
            Clock clock) {
        this.connections = connections;
        this.healthRecords = healthRecords;
        this.states = states;
        this.refresh = refresh;
        this.health = health;
        this.catalog = catalog;
        this.claims = claims;
        this.properties = properties;
        this.clock = clock;
        var interval = properties.pollInterval();
        this.workers = List.of(
                // A full refresh batch waits for the next poll: rows that cannot be refreshed stay due.
                new PollingWorker("connection-refresh", interval, Integer.MAX_VALUE, this::refreshDue),
                new PollingWorker("connection-health", interval, properties.checkConcurrency(), this::checkDue),
                new PollingWorker("oauth-state-purge", interval, PURGE_BATCH, this::purgeStates));
    }

    /** Refreshes due tokens, {@code checkConcurrency} at a time; returns how many were due. */
    int refreshDue() {
        List<Connection> due = connections.dueForRefresh(Sql.now(clock), REFRESH_BATCH);
        runAll(due, c -> refresh.refresh(c.tenantId(), c.id(), false), "Refreshing");
        return due.size();
    }

    /**
     * Claims due checks (SKIP LOCKED, moving each one's next check to the lease's end) and runs them
     * at once: no more are claimed than run together, so each ends within {@link
     * ConnectionsProperties#checkLease()} and no other node checks it again meanwhile.
     */
    int checkDue() {
        Instant now = Sql.now(clock);
        Instant lease = now.plus(properties.checkLease());
        List<String> ids = claims.claim(
                "connections",
                "state IN ('active', 'error') AND next_check_at <= :now"
                        + " AND tenant_id IN (SELECT id FROM tenants WHERE status = 'active')",
                "next_check_at",
                "next_check_at = :lease",
                Map.of("now", Sql.ts(now), "lease", Sql.ts(lease)),
                properties.checkConcurrency());
        List<Connection> due = new ArrayList<>();
        for (Connection c : connections.findAll(ids)) {
            if (catalog.find(c.provider()).map(p -> p.healthCheck() == null).orElse(true)) {
                healthRecords.postponeCheck(c, null); // nothing to check: not due again
            } else {
                due.add(c);
            }
        }
        runAll(due, c -> health.check(c, lease), "Checking");
        return ids.size();
    }

    int purgeStates() {
        return states.purgeExpired(Sql.now(clock), PURGE_BATCH);
    }

    /** Runs {@code work} for each, at most {@code checkConcurrency} at once, and waits for all. */
    private void runAll(List<Connection> items, Consumer<Connection> work, String what) {
        if (items.isEmpty()) return;
        var limit = new java.util.concurrent.Semaphore(properties.checkConcurrency());
        // Closing the executor waits for every task.
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Connection c : items) {
                limit.acquireUninterruptibly();
                pool.submit(() -> {
                    try {
                        work.accept(c);
                    } catch (Throwable e) {
                        log.warn("{} connection {} failed", what, c.id(), e);
                    } finally {
                        limit.release();
                    }
                });
            }
        }
    }

    @Override
    public void start() {
        workers.forEach(PollingWorker::start);
    }

    @Override
    public void stop() {
        workers.forEach(PollingWorker::stop);
    }

    @Override
    public boolean isRunning() {
        return workers.getFirst().running();
    }
}
