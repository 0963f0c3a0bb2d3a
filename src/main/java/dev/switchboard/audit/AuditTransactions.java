package dev.switchboard.audit;

import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts an audited request's entry into the transaction of the change it describes, so the change and
 * the entry commit together: a rolled-back change leaves no success entry, and a change cannot commit
 * without its entry (if the insert fails, the change rolls back). Spring Boot registers this listener
 * on the transaction manager; it sees every transaction that begins.
 *
 * <p>Which transaction is the change's: the first <em>outermost</em> read-write transaction begun on
 * the thread of an audited request. Why that one is right:
 *
 * <ul>
 *   <li>Nothing before the handler begins a read-write Spring transaction on a request thread:
 *       authentication only reads; the rate limits' PostgreSQL buckets go through Bucket4j's own JDBC
 *       connections, which the transaction manager (and so this listener) never sees; the call log
 *       writes outside any transaction ({@code PROPAGATION_NOT_SUPPORTED}). So the first read-write
 *       transaction is the handler's change.
 *   <li>A transaction begun while another of the request is open (REQUIRES_NEW) is part of the outer
 *       change, and commits before it: it never carries the entry, or a rolled-back outer change would
 *       leave a success entry behind. {@link AuditRecorder.AuditedRequest#open} counts them.
 *   <li>A first transaction that rolls back takes its entry with it; the next one carries it.
 *   <li>A handler that changes things in several transactions in turn (bulk resend by batches, an
 *       outbox job and then its outcome) has its entry in the first that commits: no later part
 *       commits without an entry already there, and the response's status completes it.
 * </ul>
 *
 * Later write transactions of the same request add nothing: one entry per call.
 */
@Component
class AuditTransactions implements TransactionExecutionListener {

    private final AuditRecorder recorder;
    private final AuditRepository entries;

    AuditTransactions(AuditRecorder recorder, AuditRepository entries) {
        this.recorder = recorder;
        this.entries = entries;
    }

    @Override
    public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
        if (beginFailure != null || !transaction.isNewTransaction()) return;
        var audited = AuditRecorder.current();
        if (audited == null) return;
        boolean outermost = audited.open == 0;
        audited.open++;
        if (!outermost || transaction.isNested() || transaction.isReadOnly()) return;
        if (audited.committedEntryId != null || audited.pendingEntryId != null) return;
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return;
        TransactionSynchronizationManager.registerSynchronization(new Entry(audited));
    }

    @Override
    public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
        ended(transaction);
    }

    @Override
    public void afterRollback(TransactionExecution transaction, Throwable rollbackFailure) {
        ended(transaction);
    }

    private static void ended(TransactionExecution transaction) {
        var audited = AuditRecorder.current();
        if (audited != null && transaction.isNewTransaction() && audited.open > 0) audited.open--;
    }

    private final class Entry implements TransactionSynchronization {
        private final AuditRecorder.AuditedRequest audited;

        Entry(AuditRecorder.AuditedRequest audited) {
            this.audited = audited;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            // A transaction begun inside this one (REQUIRES_NEW) may have carried the entry already.
            if (readOnly || audited.committedEntryId != null || audited.pendingEntryId != null) return;
            AuditEntry entry = recorder.entry(audited, AuditEntry.Outcome.SUCCESS, null, null);
            if (entry == null) return;
            entries.insert(entry);
            audited.pendingEntryId = entry.id();
        }

        @Override
        public void afterCompletion(int status) {
            if (audited.pendingEntryId == null) return;
            if (status == STATUS_COMMITTED) audited.committedEntryId = audited.pendingEntryId;
            audited.pendingEntryId = null;
        }
    }
}
