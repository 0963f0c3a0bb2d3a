package dev.switchboard.operations;

import dev.switchboard.common.BacklogSource.Backlog;
import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import dev.switchboard.inbound.RejectionCounts;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates the rules no event announces: a backlog over its threshold, a spike of rejected
 * (badly signed) requests on a source, a background job whose last run failed. Each rule fires
 * for what is over its threshold now and clears what it was firing for and no longer is; the
 * rule's window keeps a condition that stays over from alerting at every evaluation.
 */
@Component
class Thresholds implements SmartLifecycle {

    private final RuleRepository rules;
    private final AlertRepository alerts;
    private final Alerting alerting;
    private final Backlogs backlogs;
    private final RejectionCounts rejections;
    private final JobRunRepository jobs;
    private final OperationsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PollingWorker worker;

    Thresholds(
            RuleRepository rules,
            AlertRepository alerts,
            Alerting alerting,
            Backlogs backlogs,
            RejectionCounts rejections,
            JobRunRepository jobs,
            OperationsProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.rules = rules;
        this.alerts = alerts;
        this.alerting = alerting;
        this.backlogs = backlogs;
        this.rejections = rejections;
        this.jobs = jobs;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
        this.worker =
                new PollingWorker("alert-thresholds", properties.evaluateInterval(), Integer.MAX_VALUE, this::evaluate);
    }

    /** Evaluates every threshold rule once; returns how many alerts (or notices) it sent. */
    int evaluate() {
        Instant now = Sql.now(clock);
        int sent = 0;
        List<Rule> backlogRules = rules.enabledOfKind(Rule.Kind.BACKLOG);
        if (!backlogRules.isEmpty()) {
            List<Backlog> all = backlogs.read().backlogs();
            for (Rule rule : backlogRules) {
                Set<String> over = new HashSet<>();
                for (Backlog b : all) {
                    if (b.waiting() > rule.threshold()) {
                        over.add(b.name());
                        sent += fire(
                                rule,
                                b.name(),
                                "Backlog over its threshold",
                                "The backlog " + b.name() + " holds " + b.waiting() + " items (threshold "
                                        + rule.threshold() + ")"
                                        + (b.oldest() == null
                                                ? ""
                                                : "; the oldest waited "
                                                        + b.oldest().toSeconds() + " s")
                                        + ".",
                                now);
                    }
                }
                sent += clearOthers(rule, over, "Backlog back under its threshold", now);
            }
        }
        for (Rule rule : rules.enabledOfKind(Rule.Kind.SIGNATURE_SPIKE)) {
            Set<String> over = new HashSet<>();
            for (var s : rejections.atLeast(now.minus(properties.spikeWindow()), rule.threshold())) {
                if (!Alerting.PLATFORM.equals(rule.tenantId())
                        && !rule.tenantId().equals(s.tenantId())) continue;
                String subject = s.tenantId() + "/" + s.sourceId();
                over.add(subject);
                sent += fire(
                        rule,
                        subject,
                        "Signature failures on a source",
                        "Source " + s.sourceId() + " rejected " + s.count() + " requests in the last "
                                + properties.spikeWindow().toMinutes() + " min (threshold " + rule.threshold() + ").",
                        now);
            }
            sent += clearOthers(rule, over, "Signature failures back to normal", now);
        }
        for (Rule rule : rules.enabledOfKind(Rule.Kind.JOB_FAILED)) {
            for (String job : alerts.firingSubjects(rule.id())) {
                if (jobs.lastRunSucceeded(job).orElse(false)) {
                    sent += tx.execute(s -> alerting.clear(
                            rule,
                            signal(
                                    rule,
                                    job,
                                    false,
                                    "Background job runs again",
                                    "The job " + job + " ran without an error."),
                            now));
                }
            }
        }
        return sent;
    }

    private int fire(Rule rule, String subject, String title, String message, Instant now) {
        return tx.execute(s -> alerting.fire(rule, signal(rule, subject, true, title, message), now));
    }

    private int clearOthers(Rule rule, Set<String> over, String title, Instant now) {
        int sent = 0;
        for (String subject : alerts.firingSubjects(rule.id())) {
            if (over.contains(subject)) continue;
            sent += tx.execute(s -> alerting.clear(
                    rule, signal(rule, subject, false, title, subject + " is back under the threshold."), now));
        }
        return sent;
    }

    private static Alerting.Signal signal(Rule rule, String subject, boolean firing, String title, String message) {
        return new Alerting.Signal(rule.tenantId(), rule.kind(), subject, firing, title, message);
    }

    /** Evaluates now rather than at the next interval. */
    void wake() {
        worker.wake();
    }

    @Override
    public void start() {
        worker.start();
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
