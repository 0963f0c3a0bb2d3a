package dev.switchboard.audit;

import dev.switchboard.common.Ids;
import dev.switchboard.common.RequestIds;
import dev.switchboard.common.Sql;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Sign-in and sign-out events that no route of ours handles, so {@link AuditRecorder} cannot name them:
 * an OIDC sign-in ends in Spring Security's callback filter, and sign-out in its logout filter, both
 * before any controller. The entry is like a route's: an action, the actor, the outcome its status
 * gives, the request id and the truncated source address.
 */
@Component
public class SignInEvents {

    private final AuditRepository entries;
    private final AuditProperties properties;
    private final Clock clock;

    SignInEvents(AuditRepository entries, AuditProperties properties, Clock clock) {
        this.entries = entries;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param tenantId the actor's tenant, null for a platform admin or an actor not signed in
     * @param actor who signed in or out ({@code oidc:<subject>}, a key id), null when not known
     * @param role the role the actor has (or would have had), null when none
     * @param action e.g. {@code ui.sign-in.oidc}, {@code ui.sign-out}
     * @param status the HTTP status the event is answered with: below 400 is a success
     */
    public void record(
            HttpServletRequest request, String tenantId, String actor, String role, String action, int status) {
        entries.insert(new AuditEntry(
                Ids.next("aud"),
                Sql.now(clock),
                tenantId,
                actor,
                role,
                action,
                request.getMethod(),
                "session",
                null,
                AuditEntry.Outcome.ofStatus(status),
                status,
                RequestIds.of(request),
                SourceIps.truncate(request.getRemoteAddr(), properties.ipv4Prefix(), properties.ipv6Prefix()),
                List.of()));
    }
}
