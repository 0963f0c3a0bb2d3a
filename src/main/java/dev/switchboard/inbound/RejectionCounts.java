package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Rejected requests (failed signatures, bad tokens) per source over a recent window, for spike
 * alerts. Counts what was recorded: each node records at most
 * {@code switchboard.inbound.rejections-per-minute} per source, so a threshold above that per
 * minute of window is never reached.
 */
@Component
public class RejectionCounts {

    public record SourceRejections(String tenantId, String sourceId, long count) {}

    private final JdbcClient jdbc;

    RejectionCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Sources with at least {@code atLeast} rejections recorded since {@code since}. */
    public List<SourceRejections> atLeast(Instant since, int atLeast) {
        return jdbc.sql("""
                SELECT tenant_id, source_id, count(*) AS n FROM inbound_rejections
                WHERE received_at >= :since GROUP BY tenant_id, source_id HAVING count(*) >= :atLeast
                ORDER BY n DESC LIMIT 1000
                """)
                .param("since", ts(since))
                .param("atLeast", atLeast)
                .query((rs, n) ->
                        new SourceRejections(rs.getString("tenant_id"), rs.getString("source_id"), rs.getLong("n")))
                .list();
    }
}
