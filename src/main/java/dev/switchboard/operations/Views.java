package dev.switchboard.operations;

import java.time.Instant;
import java.util.List;

/** What the API shows of channels, rules, alerts and job runs; the scope is the route's. */
final class Views {

    private Views() {}

    record ChannelView(
            String id,
            String name,
            String kind,
            String urlHint,
            boolean enabled,
            Instant createdAt,
            Instant updatedAt) {
        static ChannelView of(Channel c) {
            return new ChannelView(
                    c.id(), c.name(), c.kind().wire(), c.urlHint(), c.enabled(), c.createdAt(), c.updatedAt());
        }
    }

    record RuleView(
            String id,
            String kind,
            Integer threshold,
            long windowMinutes,
            String severity,
            boolean enabled,
            Instant createdAt) {
        static RuleView of(Rule r) {
            return new RuleView(
                    r.id(),
                    r.kind().wire(),
                    r.threshold(),
                    r.window().toMinutes(),
                    r.severity().wire(),
                    r.enabled(),
                    r.createdAt());
        }
    }

    record AlertView(
            String id,
            String ruleId,
            String kind,
            String subject,
            boolean recovery,
            String severity,
            String title,
            String message,
            String userId,
            int occurrences,
            Instant createdAt,
            Instant lastSeenAt,
            List<Alert.Send> deliveries) {
        static AlertView of(Alert a) {
            return new AlertView(
                    a.id(),
                    a.ruleId(),
                    a.kind(),
                    a.subject(),
                    a.recovery(),
                    a.severity().wire(),
                    a.title(),
                    a.message(),
                    a.userId(),
                    a.occurrences(),
                    a.createdAt(),
                    a.lastSeenAt(),
                    a.deliveries());
        }
    }
}
