package dev.switchboard.audit;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Audit entries in the activity feed: the action, its target and outcome. Entries carry no values
 * by construction, so nothing more is left out here; the actor is not shown (the audit API has it
 * for those allowed to read it).
 */
@Component
class AuditActivity implements ActivitySource {

    private final AuditRepository entries;

    AuditActivity(AuditRepository entries) {
        this.entries = entries;
    }

    @Override
    public String type() {
        return "audit";
    }

    @Override
    public List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit) {
        var page = new PageRequest(limit, beforeAt == null ? null : new Cursor(beforeAt, beforeId));
        var filter = new AuditRepository.Filter(tenantId, null, null, null, null, null, since, null);
        return entries.search(filter, page).stream()
                .limit(limit)
                .map(e -> new Entry(
                        type(),
                        e.id(),
                        e.occurredAt(),
                        e.targetId(),
                        e.outcome().wire(),
                        e.action() + (e.targetType() == null ? "" : " " + e.targetType())))
                .toList();
    }
}
