package dev.switchboard.operations;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import dev.switchboard.common.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Alerts, their sends to channels (a leased work queue), and the per rule-and-subject state. */
@Repository
class AlertRepository {

    /** Whether a rule's condition is firing for a subject, and the window of its last alert. */
    record State(boolean firing, String alertId, Instant windowUntil) {}

    /** A send claimed for this node, with what it needs to go out. */
    record Claimed(
            String id,
            long leaseToken,
            int attempts,
            String channelId,
            String channelTenant,
            Channel.Kind channelKind,
            Alert alert) {}

    static final Claims.Claim DUE = new Claims.Claim(
            "alert_deliveries",
            "status = 'pending' AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until <= :now)",
            "next_attempt_at",
            "locked_until = :lease, lease_token = lease_token + 1");

    private final JdbcClient jdbc;
    private final Claims claims;

    AlertRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    void insert(Alert a) {
        jdbc.sql("""
                INSERT INTO alerts (id, tenant_id, rule_id, kind, subject, recovery, severity, title, message, user_id,
                    occurrences, created_at, last_seen_at)
                VALUES (:id, :tenant, :rule, :kind, :subject, :recovery, :severity, :title, :message, :user,
                    :occurrences, :at, :at)
                """)
                .param("id", a.id())
                .param("tenant", a.tenantId())
                .param("rule", a.ruleId())
                .param("kind", a.kind())
                .param("subject", a.subject())
                .param("recovery", a.recovery())
                .param("severity", a.severity().wire())
                .param("title", a.title())
                .param("message", a.message())
                .param("user", a.userId())
                .param("occurrences", a.occurrences())
                .param("at", ts(a.createdAt()))
                .update();
    }

    void insertSend(String id, String alertId, String channelId, Instant now) {
        jdbc.sql("""
                INSERT INTO alert_deliveries (id, alert_id, channel_id, status, attempts, next_attempt_at, lease_token, created_at)
                VALUES (:id, :alert, :channel, 'pending', 0, :now, 0, :now)
                """)
                .param("id", id)
                .param("alert", alertId)
                .param("channel", channelId)
                .param("now", ts(now))
                .update();
    }

    /** One more sighting of the condition an alert reported, inside its window. */
    void seenAgain(String alertId, Instant now) {
        jdbc.sql("UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = :now WHERE id = :id")
                .param("id", alertId)
                .param("now", ts(now))
                .update();
    }

    Optional<Alert> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM alerts WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(AlertRepository::map)
                .optional()
                .map(a -> a.withDeliveries(sendsOf(List.of(a.id())).getOrDefault(a.id(), List.of())));
    }

    /** A page of a scope's alerts, newest first, each with its sends; {@code kind} may be null. */
    List<Alert> page(String tenantId, String kind, PageRequest page) {
        List<Alert> alerts = page.select(
                        jdbc,
                        "SELECT * FROM alerts WHERE tenant_id = :tenant" + (kind == null ? "" : " AND kind = :kind"),
                        "created_at")
                .param("tenant", tenantId)
                .params(kind == null ? Map.of() : Map.of("kind", kind))
                .query(AlertRepository::map)
                .list();
        if (alerts.isEmpty()) return alerts;
        Map<String, List<Alert.Send>> sends =
                sendsOf(alerts.stream().map(Alert::id).toList());
        return alerts.stream()
                .map(a -> a.withDeliveries(sends.getOrDefault(a.id(), List.of())))
                .toList();
    }

    /** A page of a tenant's alerts since a time (null: any), newest first, without their sends (the feed). */
    List<Alert> feed(String tenantId, Instant since, PageRequest page) {
        return page.select(
                        jdbc,
                        "SELECT * FROM alerts WHERE tenant_id = :tenant"
                                + (since == null ? "" : " AND created_at >= :since"),
                        "created_at")
                .param("tenant", tenantId)
                .params(since == null ? Map.of() : Map.of("since", ts(since)))
                .query(AlertRepository::map)
                .list();
    }

    private Map<String, List<Alert.Send>> sendsOf(List<String> alertIds) {
        Map<String, List<Alert.Send>> by = new HashMap<>();
        jdbc.sql("SELECT * FROM alert_deliveries WHERE alert_id IN (:ids) ORDER BY channel_id")
                .param("ids", alertIds)
                .query((rs, n) -> {
                    int status = rs.getInt("last_status");
                    Integer lastStatus = rs.wasNull() ? null : status;
                    by.computeIfAbsent(rs.getString("alert_id"), k -> new ArrayList<>())
                            .add(new Alert.Send(
                                    rs.getString("channel_id"),
                                    rs.getString("status"),
                                    rs.getInt("attempts"),
                                    instant(rs, "next_attempt_at"),
                                    lastStatus,
                                    rs.getString("last_error"),
                                    instant(rs, "sent_at")));
                    return null;
                })
                .list();
        return by;
    }

    // ---- state per rule and subject

    /** The state, locked to the end of the transaction. */
    Optional<State> lockState(String ruleId, String subject) {
        return jdbc.sql("SELECT * FROM alert_states WHERE rule_id = :rule AND subject = :subject FOR UPDATE")
                .param("rule", ruleId)
                .param("subject", subject)
                .query((rs, n) ->
                        new State(rs.getBoolean("firing"), rs.getString("alert_id"), instant(rs, "window_until")))
                .optional();
    }

    void saveState(String ruleId, String subject, State s, boolean exists, Instant now) {
        String sql = exists
                ? "UPDATE alert_states SET firing = :firing, alert_id = :alert, window_until = :until, updated_at = :now"
                        + " WHERE rule_id = :rule AND subject = :subject"
                : "INSERT INTO alert_states (rule_id, subject, firing, alert_id, window_until, updated_at)"
                        + " VALUES (:rule, :subject, :firing, :alert, :until, :now)";
        jdbc.sql(sql)
                .param("rule", ruleId)
                .param("subject", subject)
                .param("firing", s.firing())
                .param("alert", s.alertId())
                .param("until", ts(s.windowUntil()))
                .param("now", ts(now))
                .update();
    }

    /** The subjects a rule is firing for now. */
    List<String> firingSubjects(String ruleId) {
        return jdbc.sql("SELECT subject FROM alert_states WHERE rule_id = :rule AND firing = TRUE ORDER BY subject")
                .param("rule", ruleId)
                .query(String.class)
                .list();
    }

    // ---- the send queue

    List<String> claimDue(Instant now, Duration lease, int limit) {
        return claims.claim(DUE, Map.of("now", ts(now), "lease", ts(now.plus(lease))), limit);
    }

    List<Claimed> loadClaimed(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("""
                SELECT d.id AS send_id, d.lease_token, d.attempts, d.channel_id, c.tenant_id AS channel_tenant,
                    c.kind AS channel_kind, a.*
                FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
                LEFT JOIN alert_channels c ON c.id = d.channel_id
                WHERE d.id IN (:ids) ORDER BY d.id
                """)
                .param("ids", ids)
                .query((rs, n) -> {
                    String kind = rs.getString("channel_kind");
                    return new Claimed(
                            rs.getString("send_id"),
                            rs.getLong("lease_token"),
                            rs.getInt("attempts"),
                            rs.getString("channel_id"),
                            rs.getString("channel_tenant"),
                            kind == null ? null : Channel.Kind.valueOf(kind.toUpperCase(Locale.ROOT)),
                            map(rs, n));
                })
                .list();
    }

    /** Records a send's outcome under the claim it came from; false when the claim had moved on. */
    boolean finishSend(
            Claimed c, String status, int attempts, Instant next, Integer lastStatus, String error, Instant sentAt) {
        return jdbc.sql("""
                UPDATE alert_deliveries SET status = :status, attempts = :attempts, next_attempt_at = :next,
                    locked_until = NULL, last_status = :lastStatus, last_error = :error, sent_at = :sentAt
                WHERE id = :id AND lease_token = :token
                """)
                        .param("id", c.id())
                        .param("token", c.leaseToken())
                        .param("status", status)
                        .param("attempts", attempts)
                        .param("next", ts(next))
                        .param("lastStatus", lastStatus, java.sql.Types.INTEGER)
                        .param("error", error == null ? null : error.length() > 500 ? error.substring(0, 500) : error)
                        .param("sentAt", ts(sentAt))
                        .update()
                == 1;
    }

    /** Deletes alerts (their sends cascade) created before {@code cutoff}, at most {@code batch}. */
    int deleteOlderThan(Instant cutoff, int batch) {
        return jdbc.sql("""
                DELETE FROM alerts WHERE id IN (
                    SELECT id FROM alerts WHERE created_at < :cutoff ORDER BY created_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }

    private static Alert map(ResultSet rs, int n) throws SQLException {
        return new Alert(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("rule_id"),
                rs.getString("kind"),
                rs.getString("subject"),
                rs.getBoolean("recovery"),
                Alert.Severity.valueOf(rs.getString("severity").toUpperCase(Locale.ROOT)),
                rs.getString("title"),
                rs.getString("message"),
                rs.getString("user_id"),
                rs.getInt("occurrences"),
                instant(rs, "created_at"),
                instant(rs, "last_seen_at"),
                List.of());
    }
}
