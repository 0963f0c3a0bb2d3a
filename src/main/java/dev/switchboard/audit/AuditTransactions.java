package dev.switchboard.audit;

import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts an audited request's entry into the request's first write transaction, so the change and
 * the entry that describes it commit together: a rolled-back change leaves no success entry, and a
 * change cannot commit without its entry (if the insert fails, the change rolls back). Spring Boot
 * registers this listener on the transaction manager; it sees every transaction that begins, and
 * attaches to the outermost read-write one begun on the thread of an audited request. Later write
 * transactions of the same request add nothing: one entry per call.
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
        if (beginFailure != null
                || !transaction.isNewTransaction()
                || transaction.isNested()
                || transaction.isReadOnly()) return;
        var audited = AuditRecorder.current();
        if (audited == null || audited.committedEntryId != null || audited.pendingEntryId != null) return;
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return;
        TransactionSynchronizationManager.registerSynchronization(new Entry(audited));
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
