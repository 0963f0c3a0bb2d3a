package dev.switchboard.operations;

import static dev.switchboard.common.Sql.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A signal that keeps failing is retried with backoff a bounded number of times, then given up: kept
 * with {@code gave_up_at} and its last error, never claimed again. The poison here is real: a signal
 * of a kind this version does not know (one a newer node wrote, or a retired rule kind).
 */
class SignalGiveUpTest extends OperationsTestBase {

    @Autowired
    SignalWorker worker;

    @Test
    void aSignalThatKeepsFailingBacksOffThenIsGivenUpAndNeverClaimedAgain() {
        assertThat(SignalWorker.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(SignalWorker.backoff(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(SignalWorker.backoff(20)).isEqualTo(Duration.ofMinutes(30));

        String tenant = newTenant();
        String id = Ids.next("sig");
        jdbc.sql("""
                INSERT INTO alert_signals (id, tenant_id, kind, subject, firing, title, message, created_at, lease_token)
                VALUES (:id, :t, 'retired_kind', :subject, TRUE, 'x', 'y', :at, 0)
                """)
                .param("id", id)
                .param("t", tenant)
                .param("subject", tenant + "/x")
                .param("at", ts(clock.instant()))
                .update();
        for (int attempt = 1; attempt <= SignalWorker.MAX_ATTEMPTS; attempt++) {
            Instant before = clock.instant();
            worker.runOnce(); // the background loop may take it first: either way one attempt is made
            int expected = attempt;
            await().atMost(Duration.ofSeconds(15)).until(() -> (int) state(id).get("attempts") >= expected);
            Map<String, Object> row = state(id);
            assertThat(row.get("attempts")).as("one attempt per due time").isEqualTo(attempt);
            assertThat((String) row.get("last_error")).contains("cannot read");
            if (attempt < SignalWorker.MAX_ATTEMPTS) {
                assertThat(row.get("gave_up_at")).isNull();
                // The test clock moves with real time too: the worker read it a little after "before".
                assertThat(instant(row.get("locked_until")))
                        .as("waits its backoff")
                        .isBetween(
                                before.plus(SignalWorker.backoff(attempt)),
                                before.plus(SignalWorker.backoff(attempt)).plusSeconds(10));
                // Not due before its backoff ends.
                clock.advance(SignalWorker.backoff(attempt).minusSeconds(20));
                worker.runOnce();
                assertThat(state(id).get("attempts")).isEqualTo(attempt);
                clock.advance(Duration.ofSeconds(30));
            }
        }
        assertThat(state(id).get("gave_up_at")).as("given up").isNotNull();
        clock.advance(Duration.ofDays(1));
        worker.runOnce();
        assertThat(state(id).get("attempts")).as("never claimed again").isEqualTo(SignalWorker.MAX_ATTEMPTS);
    }

    private Map<String, Object> state(String id) {
        return jdbc.sql("SELECT attempts, last_error, locked_until, gave_up_at FROM alert_signals WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
    }

    private static Instant instant(Object o) {
        if (o instanceof java.time.OffsetDateTime t) return t.toInstant();
        if (o instanceof java.sql.Timestamp t) return t.toInstant();
        throw new IllegalStateException("a time, not " + o);
    }
}
