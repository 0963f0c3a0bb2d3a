package dev.switchboard.inbound;

import org.springframework.stereotype.Component;

/**
 * A tenant's inbound sources counted by status (deleted ones left out), for the dashboard's stat
 * cards. The caller has checked that it may read the tenant.
 */
@Component
public class SourceCounts {

    public record Summary(long active, long disabled) {}

    private final SourceRepository sources;

    SourceCounts(SourceRepository sources) {
        this.sources = sources;
    }

    public Summary forTenant(String tenantId) {
        return sources.countsForTenant(tenantId);
    }
}
