package dev.switchboard.connections;

import dev.switchboard.common.Claims;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The scheduled side of connections, safe with several nodes: token refreshes ahead of expiry (each
 * takes the connection's row lock and re-reads it, so two nodes never both refresh) and health
 * checks when due.
 */
@Component
class ConnectionJobs {

    private static final Logger log = LoggerFactory.getLogger(ConnectionJobs.class);

    private final ConnectionRepository connections;
    private final Connections lifecycle;
    private final Catalog catalog;
    private final Claims claims;
    private final ConnectionsProperties properties;
    private final Clock clock;

    ConnectionJobs(
            ConnectionRepository connections,
            Connections lifecycle,
            Catalog catalog,
            Claims claims,
            ConnectionsProperties properties,
            Clock clock) {
        this.claims = claims;
        this.properties = properties;
        this.connections = connections;
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${switchboard.connections.poll-interval:30s}", initialDelayString = "5s")
    void refreshDue() {
        for (String id : connections.dueForRefresh(Sql.now(clock), 100)) {
            try {
                connections
                        .find(connections.lock(id).map(Connection::tenantId).orElse(""), id)
                        .ifPresent(c -> lifecycle.refresh(c.tenantId(), c.id(), false));
            } catch (RuntimeException e) {
                log.warn("Refreshing connection {} failed", id, e);
            }
        }
    }

    /**
     * Claims due checks (SKIP LOCKED, moving each one's next check past the time a check can take),
     * so with several nodes each connection is checked by one of them.
     */
    @Scheduled(fixedDelayString = "${switchboard.connections.poll-interval:30s}", initialDelayString = "10s")
    void checkDue() {
        Instant now = Sql.now(clock);
        List<String> due = claims.claim(
                "connections",
                "state IN ('active', 'error') AND next_check_at <= :now",
                "next_check_at",
                "next_check_at = :lease",
                Map.of(
                        "now",
                        Sql.ts(now),
                        "lease",
                        Sql.ts(now.plus(properties.checkTimeout().multipliedBy(3)))),
                100);
        for (Connection c : connections.findAll(due)) {
            if (catalog.find(c.provider()).map(p -> p.healthCheck() == null).orElse(true)) {
                connections.postponeCheck(c, null); // nothing to check: not due again
                continue;
            }
            try {
                lifecycle.check(c);
            } catch (RuntimeException e) {
                log.warn("Checking connection {} failed", c.id(), e);
            }
        }
    }
}
