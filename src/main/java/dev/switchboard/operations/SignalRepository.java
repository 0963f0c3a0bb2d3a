package dev.switchboard.operations;

import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import dev.switchboard.common.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Signals waiting to be matched against rules: written with the change they report, claimed by the worker. */
@Repository
class SignalRepository {

    /**
     * A claimed signal; {@code signal} is null when its stored form cannot be read (a kind this
     * version does not know), which the worker treats as a failure like any other. {@code attempts}:
     * failures so far.
     */
    record Claimed(String id, long leaseToken, Alerting.Signal signal, Instant at, int attempts) {}

    static final Claims.Claim DUE = new Claims.Claim(
            "alert_signals",
            "gave_up_at IS NULL AND (locked_until IS NULL OR locked_until <= :now)",
            "created_at",
            "locked_until = :lease, lease_token = lease_token + 1");

    private final JdbcClient jdbc;
    private final Claims claims;

    SignalRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    void insert(Alerting.Signal s, Instant at) {
        jdbc.sql("""
                INSERT INTO alert_signals (id, tenant_id, kind, subject, firing, title, message, created_at, lease_token)
                VALUES (:id, :tenant, :kind, :subject, :firing, :title, :message, :at, 0)
                """)
                .param("id", Ids.next("sig"))
                .param("tenant", s.tenantId())
                .param("kind", s.kind().wire())
                .param("subject", Alerting.cut(s.subject(), 300))
                .param("firing", s.firing())
                .param("title", Alerting.cut(s.title(), 300))
                .param("message", Alerting.cut(s.message(), 2000))
                .param("at", ts(at))
                .update();
    }

    List<String> claim(Instant now, Duration lease, int limit) {
        return claims.claim(DUE, Map.of("now", ts(now), "lease", ts(now.plus(lease))), limit);
    }

    List<Claimed> load(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT * FROM alert_signals WHERE id IN (:ids) ORDER BY created_at, id")
                .param("ids", ids)
                .query((rs, n) -> new Claimed(
                        rs.getString("id"),
                        rs.getLong("lease_token"),
                        signal(
                                rs.getString("tenant_id"),
                                rs.getString("kind"),
                                rs.getString("subject"),
                                rs.getBoolean("firing"),
                                rs.getString("title"),
                                rs.getString("message")),
                        dev.switchboard.common.Sql.instant(rs, "created_at"),
                        rs.getInt("attempts")))
                .list();
    }

    private static Alerting.Signal signal(
            String tenant, String kind, String subject, boolean firing, String title, String message) {
        for (Rule.Kind k : Rule.Kind.values()) {
            if (k.wire().equals(kind)) return new Alerting.Signal(tenant, k, subject, firing, title, message);
        }
        return null;
    }

    /**
     * Records a failed attempt under the claim: the signal waits until {@code retryAt}, or, when
     * {@code giveUp}, is no longer claimed at all. False when the claim had moved on.
     */
    boolean failed(Claimed c, String error, Instant retryAt, boolean giveUp, Instant now) {
        return jdbc.sql("""
                        UPDATE alert_signals SET attempts = attempts + 1, last_error = :error, locked_until = :retryAt,
                            gave_up_at = :gaveUp
                        WHERE id = :id AND lease_token = :token
                        """)
                        .param("id", c.id())
                        .param("token", c.leaseToken())
                        .param("error", Alerting.cut(error, 500))
                        .param("retryAt", ts(retryAt))
                        .param("gaveUp", giveUp ? ts(now) : null)
                        .update()
                == 1;
    }

    /** Deletes up to {@code batch} signals given up before {@code cutoff} (they were kept to be looked at). */
    int deleteGivenUpBefore(Instant cutoff, int batch) {
        return jdbc.sql("""
                DELETE FROM alert_signals WHERE id IN (
                    SELECT id FROM alert_signals WHERE gave_up_at < :cutoff ORDER BY created_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }

    /** Removes a handled signal, under its claim; false when the claim had moved on. */
    boolean delete(Claimed c) {
        return jdbc.sql("DELETE FROM alert_signals WHERE id = :id AND lease_token = :token")
                        .param("id", c.id())
                        .param("token", c.leaseToken())
                        .update()
                == 1;
    }
}
