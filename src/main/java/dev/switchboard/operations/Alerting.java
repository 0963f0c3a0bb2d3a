package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.outbound.OperationalEvents;
import dev.switchboard.vault.SecretPlace;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns what happened into alerts: a signal (an operational event, a threshold crossed or cleared)
 * is matched against the enabled rules of its tenant and of the platform; a rule fires at most one
 * alert per subject and window (later sightings are counted into it), and a firing rule whose
 * condition clears sends a recovery notice. Each alert is queued to every enabled channel of the
 * rule's scope, and a tenant's alert is also emitted as {@code switchboard.alert.sent}.
 */
@Service
class Alerting {

    /** The scope (tenant id) of the operator's own channels, rules and alerts. */
    static final String PLATFORM = SecretPlace.PLATFORM;

    static final String ALERT_SENT = "switchboard.alert.sent";

    /** What a signal says: {@code kind} fired (or cleared) for {@code subject} of {@code tenantId}. */
    record Signal(String tenantId, Rule.Kind kind, String subject, boolean firing, String title, String message) {}

    record ManualAlert(String title, String message, String severity, String userId) {}

    private final RuleRepository rules;
    private final AlertRepository alerts;
    private final ChannelRepository channels;
    private final OperationalEvents events;
    private final ObjectProvider<AlertSender> sender;
    private final TransactionTemplate tx;
    private final Clock clock;

    Alerting(
            RuleRepository rules,
            AlertRepository alerts,
            ChannelRepository channels,
            OperationalEvents events,
            ObjectProvider<AlertSender> sender,
            TransactionTemplate tx,
            Clock clock) {
        this.rules = rules;
        this.alerts = alerts;
        this.channels = channels;
        this.events = events;
        this.sender = sender;
        this.tx = tx;
        this.clock = clock;
    }

    /** Applies a signal to every rule it matches; call inside a transaction. Returns the alerts sent. */
    int apply(Signal s, Instant now) {
        int sent = 0;
        for (Rule rule : rules.matching(s.kind(), s.tenantId())) {
            sent += s.firing() ? fire(rule, s, now) : clear(rule, s, now);
        }
        return sent;
    }

    /** One rule's condition seen for a subject: an alert, unless one was sent within the window. */
    int fire(Rule rule, Signal s, Instant now) {
        var state = alerts.lockState(rule.id(), s.subject());
        if (state.isPresent() && now.isBefore(state.get().windowUntil())) {
            alerts.seenAgain(state.get().alertId(), now);
            if (!state.get().firing()) {
                alerts.saveState(
                        rule.id(),
                        s.subject(),
                        new AlertRepository.State(
                                true, state.get().alertId(), state.get().windowUntil()),
                        true,
                        now);
            }
            return 0;
        }
        Alert a = create(
                rule.tenantId(),
                rule.id(),
                rule.kind().wire(),
                s.subject(),
                false,
                rule.severity(),
                s.title(),
                s.message(),
                null,
                null,
                now);
        alerts.saveState(
                rule.id(),
                s.subject(),
                new AlertRepository.State(true, a.id(), now.plus(rule.window())),
                state.isPresent(),
                now);
        return 1;
    }

    /** One rule's condition cleared for a subject: a recovery notice if it was firing. */
    int clear(Rule rule, Signal s, Instant now) {
        var state = alerts.lockState(rule.id(), s.subject());
        if (state.isEmpty() || !state.get().firing()) return 0;
        create(
                rule.tenantId(),
                rule.id(),
                rule.kind().wire(),
                s.subject(),
                true,
                Alert.Severity.INFO,
                s.title(),
                s.message(),
                null,
                null,
                now);
        alerts.saveState(
                rule.id(),
                s.subject(),
                new AlertRepository.State(
                        false, state.get().alertId(), state.get().windowUntil()),
                true,
                now);
        return 1;
    }

    /** An alert raised by hand, sent to every enabled channel of the scope. */
    Alert manual(String scope, ManualAlert body) {
        String title = text("title", body.title(), 300);
        String message = text("message", body.message(), 4000);
        Alert.Severity severity =
                body.severity() == null ? Alert.Severity.WARNING : Alert.Severity.parse("severity", body.severity());
        String userId = body.userId() == null ? null : text("userId", body.userId(), 200);
        Instant now = Sql.now(clock);
        Alert a = tx.execute(
                s -> create(scope, null, "manual", null, false, severity, title, message, userId, null, now));
        return alerts.find(scope, a.id()).orElseThrow();
    }

    /** A test alert to one channel only. */
    Alert test(String scope, String channelId) {
        Channel c = channels.find(scope, channelId).orElseThrow(() -> ApiException.notFound("alert channel"));
        Instant now = Sql.now(clock);
        Alert a = tx.execute(s -> create(
                scope,
                null,
                "test",
                c.id(),
                false,
                Alert.Severity.INFO,
                "Switchboard test alert",
                "This is a test of the alert channel \"" + c.name() + "\".",
                null,
                List.of(c),
                now));
        return alerts.find(scope, a.id()).orElseThrow();
    }

    /** Records an alert and queues it to {@code to} (null: every enabled channel of the scope). */
    private Alert create(
            String scope,
            String ruleId,
            String kind,
            String subject,
            boolean recovery,
            Alert.Severity severity,
            String title,
            String message,
            String userId,
            List<Channel> to,
            Instant now) {
        Alert a = new Alert(
                Ids.next("alr"),
                scope,
                ruleId,
                kind,
                subject,
                recovery,
                severity,
                cut(title, 300),
                cut(message, 4000),
                userId,
                1,
                now,
                now,
                List.of());
        alerts.insert(a);
        List<Channel> targets = to == null ? channels.enabledOf(scope) : to;
        for (Channel c : targets) alerts.insertSend(Ids.next("ads"), a.id(), c.id(), now);
        if (!PLATFORM.equals(scope)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("alertId", a.id());
            data.put("kind", kind);
            data.put("subject", subject);
            data.put("recovery", recovery);
            data.put("severity", severity.wire());
            data.put("title", a.title());
            data.put("channels", targets.size());
            events.emit(scope, ALERT_SENT, data, now);
        }
        wakeSenderAfterCommit();
        return a;
    }

    private void wakeSenderAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            sender.getObject().wake();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                sender.getObject().wake();
            }
        });
    }

    private static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) throw ApiException.invalid(field, "is required");
        if (value.length() > max) throw ApiException.invalid(field, "must be at most " + max + " characters");
        if (value.chars().anyMatch(ch -> ch == 0)) throw ApiException.invalid(field, "must not contain NUL");
        return value;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
