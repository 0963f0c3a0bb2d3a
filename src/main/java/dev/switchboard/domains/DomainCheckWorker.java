package dev.switchboard.domains;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The scheduled check: every poll, claims the domains due (their next check moved on by the check
 * interval in the same statement, so two nodes never check one domain twice) and checks them.
 */
@Component
class DomainCheckWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DomainCheckWorker.class);
    private static final int BATCH = 20;

    private final DomainRepository domains;
    private final SendingDomains checks;
    private final DomainsProperties properties;
    private final Clock clock;
    private final PollingWorker worker;

    DomainCheckWorker(DomainRepository domains, SendingDomains checks, DomainsProperties properties, Clock clock) {
        this.domains = domains;
        this.checks = checks;
        this.properties = properties;
        this.clock = clock;
        this.worker = new PollingWorker("domain-checks", properties.pollInterval(), BATCH, this::runOnce);
    }

    /** Checks the domains due; returns how many it claimed. */
    int runOnce() {
        var ids = domains.claimDue(Sql.now(clock), properties.checkInterval(), BATCH);
        for (var d : domains.load(ids)) {
            try {
                checks.check(d);
            } catch (RuntimeException e) {
                // Its next check is already set: it is looked at again then.
                log.warn("Checking sending domain {} failed", d.id(), e);
                PollingWorker.itemsFailed(1);
            }
        }
        return ids.size();
    }

    void wake() {
        worker.wake();
    }

    @Override
    public void start() {
        if (properties.enabled()) worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
