package dev.switchboard.audit;

import dev.switchboard.common.Ids;
import dev.switchboard.common.RequestIds;
import dev.switchboard.common.Sql;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Audited actions that no API key takes through an audited route, so {@link AuditRecorder} cannot
 * see them: a decision made by a click in Slack (the caller is Slack, authenticated by its
 * signature), or one the server makes itself (an approval that expired). The entry is like a
 * route's: an action, the actor, the target, the outcome its status gives, and for a request its
 * id and truncated source address.
 */
@Component
public class ActionLog {

    private final AuditRepository entries;
    private final AuditProperties properties;
    private final Clock clock;

    ActionLog(AuditRepository entries, AuditProperties properties, Clock clock) {
        this.entries = entries;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param request the request that caused it, or null for the server's own action
     * @param actor who acted ({@code slack:<user id>}, {@code system})
     * @param action e.g. {@code approval.approve}
     * @param status the HTTP status the action is answered with (200 for the server's own): below 400 is a success
     */
    public void record(
            HttpServletRequest request,
            String tenantId,
            String actor,
            String action,
            String targetType,
            String targetId,
            int status) {
        if (!properties.enabled()) return;
        entries.insert(new AuditEntry(
                Ids.next("aud"),
                Sql.now(clock),
                tenantId,
                actor,
                null,
                action,
                request == null ? null : request.getMethod(),
                targetType,
                targetId,
                AuditEntry.Outcome.ofStatus(status),
                status,
                request == null ? null : RequestIds.of(request),
                request == null
                        ? null
                        : SourceIps.truncate(request.getRemoteAddr(), properties.ipv4Prefix(), properties.ipv6Prefix()),
                List.of()));
    }
}
