package dev.switchboard.gateway;

import dev.switchboard.outbound.OperationalEvent;
import java.time.Instant;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends a connection's held jobs as soon as it is active again, instead of at their next recheck
 * (up to {@code hold-recheck} later): hears the connections module's
 * {@value #CONNECTED} event inside the transaction that made the connection active, makes its held
 * jobs due in that same transaction, and wakes this node's worker after the commit. Other nodes
 * find the jobs due at their next poll.
 */
@Component
class HeldJobs {

    /** Emitted by the connections module when a connection arrives in {@code active}. */
    static final String CONNECTED = "switchboard.integration.connected";

    private final OutboxRepository jobs;
    private final ObjectProvider<OutboxWorker> worker;

    HeldJobs(OutboxRepository jobs, ObjectProvider<OutboxWorker> worker) {
        this.jobs = jobs;
        this.worker = worker;
    }

    @EventListener
    void on(OperationalEvent e) {
        if (!CONNECTED.equals(e.type()) || !(e.data().get("connectionId") instanceof String connection)) return;
        Instant at = e.at();
        if (jobs.releaseHeld(e.tenantId(), connection, at) == 0) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.ifAvailable(OutboxWorker::wake);
                }
            });
        } else {
            worker.ifAvailable(OutboxWorker::wake);
        }
    }
}
