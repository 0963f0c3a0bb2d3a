package dev.switchboard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.RequestIds;
import dev.switchboard.testing.ServerTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Which transaction of a request carries its audit entry (see {@link AuditTransactions}): the
 * change's, i.e. the first outermost read-write one; never a REQUIRES_NEW transaction opened inside
 * the change, which commits first and would outlive a rolled-back change. Driven with the real
 * transaction manager and database, as a dashboard call (which needs no API key) on this thread.
 */
class AuditTransactionChoiceTest extends ServerTest {

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void anInnerRequiresNewTransactionNeverCarriesTheEntryOfARolledBackChange() {
        String requestId = "audit-choice-" + UUID.randomUUID();
        TransactionTemplate outer = new TransactionTemplate(transactions);
        TransactionTemplate inner = new TransactionTemplate(transactions);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        AuditRecorder.serving(
                audited(requestId),
                () -> assertThatThrownBy(() -> outer.executeWithoutResult(s -> {
                            marker(requestId + "-outer");
                            inner.executeWithoutResult(i -> marker(requestId + "-inner"));
                            throw new IllegalStateException("the change fails after its inner transaction committed");
                        }))
                        .hasMessageContaining("the change fails"));
        assertThat(markers(requestId + "-inner"))
                .as("the inner transaction did commit")
                .isEqualTo(1);
        assertThat(markers(requestId + "-outer")).as("the change rolled back").isZero();
        assertThat(entries(requestId))
                .as("no entry for a change that rolled back")
                .isZero();
    }

    @Test
    void theEntryCommitsWithTheOuterChangeEvenWhenAnInnerTransactionCommittedFirst() {
        String requestId = "audit-choice-" + UUID.randomUUID();
        TransactionTemplate outer = new TransactionTemplate(transactions);
        TransactionTemplate inner = new TransactionTemplate(transactions);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        AuditRecorder.serving(
                audited(requestId),
                () -> outer.executeWithoutResult(s -> {
                    inner.executeWithoutResult(i -> marker(requestId + "-inner"));
                    assertThat(entries(requestId))
                            .as("not carried by the inner transaction")
                            .isZero();
                    marker(requestId + "-outer");
                }));
        assertThat(entries(requestId)).isEqualTo(1);
    }

    @Test
    void aFirstTransactionThatRollsBackHandsTheEntryToTheNext() {
        String requestId = "audit-choice-" + UUID.randomUUID();
        TransactionTemplate tx = new TransactionTemplate(transactions);
        AuditRecorder.serving(audited(requestId), () -> {
            assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
                        marker(requestId + "-first");
                        throw new IllegalStateException("rolled back");
                    }))
                    .hasMessage("rolled back");
            assertThat(entries(requestId)).isZero();
            tx.executeWithoutResult(s -> marker(requestId + "-second"));
            tx.executeWithoutResult(s -> marker(requestId + "-third"));
        });
        assertThat(entries(requestId))
                .as("one entry, with the change that committed")
                .isEqualTo(1);
    }

    private static AuditRecorder.AuditedRequest audited(String requestId) {
        var request = new MockHttpServletRequest("POST", "/ui/endpoints");
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/ui/endpoints");
        request.setAttribute(RequestIds.class.getName(), requestId);
        request.setRemoteAddr("127.0.0.1");
        return new AuditRecorder.AuditedRequest(request, true);
    }

    /** A write the test can see: a row in a table no other test reads by this name. */
    private void marker(String name) {
        jdbc.sql("""
                INSERT INTO job_runs (id, name, started_at, finished_at, processed, succeeded, failed)
                VALUES (:id, :name, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 0, 0)
                """)
                .param("id", "run_" + UUID.randomUUID().toString().substring(0, 20))
                .param("name", name.substring(0, Math.min(100, name.length())))
                .update();
    }

    private long markers(String name) {
        return jdbc.sql("SELECT count(*) FROM job_runs WHERE name = :name")
                .param("name", name)
                .query(Long.class)
                .single();
    }

    private long entries(String requestId) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE request_id = :r")
                .param("r", requestId)
                .query(Long.class)
                .single();
    }
}
