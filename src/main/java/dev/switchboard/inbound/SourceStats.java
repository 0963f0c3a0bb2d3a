package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PollingWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What each source received: accepted, duplicate, rejected and ignored requests, and when it last
 * accepted one. Ingest only bumps counters in memory; a loop adds them to {@code source_stats}
 * about once a second, each node its own increments, so no request waits on a row every other
 * request of the source also writes. Reading flushes first, so this node's counts are exact at once;
 * another node's show within a second. A node that dies loses at most its last second of counts
 * (the events themselves are stored; only the counters miss them).
 */
@Component
class SourceStats implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SourceStats.class);

    enum Outcome {
        ACCEPTED,
        DUPLICATE,
        REJECTED,
        IGNORED
    }

    /** A source's totals; {@code lastReceivedAt} is the latest request accepted (any but rejected). */
    record Counts(long accepted, long duplicate, long rejected, long ignored, Instant lastReceivedAt) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, null);
    }

    /** Counts not yet written. */
    private static final class Pending {
        final String tenantId;
        final AtomicLong[] counts = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
        final AtomicReference<Instant> last = new AtomicReference<>();

        Pending(String tenantId) {
            this.tenantId = tenantId;
        }
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final PollingWorker worker;

    SourceStats(JdbcClient jdbc) {
        this.jdbc = jdbc;
        // Reports no items: a flush a second under steady traffic would otherwise be most of the job log.
        this.worker = new PollingWorker("inbound-source-stats", Duration.ofSeconds(1), 1, () -> {
            flush();
            return 0;
        });
    }

    /** Called by ingest: memory only. */
    void count(Source source, Outcome outcome, Instant at) {
        Pending p = pending.computeIfAbsent(source.id(), id -> new Pending(source.tenantId()));
        p.counts[outcome.ordinal()].incrementAndGet();
        if (outcome != Outcome.REJECTED) p.last.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    /** Writes what was counted since the last flush; returns how many sources it wrote. */
    synchronized int flush() {
        int written = 0;
        for (var entry : pending.entrySet()) {
            Pending p = entry.getValue();
            long[] delta = new long[4];
            for (int i = 0; i < 4; i++) delta[i] = p.counts[i].getAndSet(0);
            Instant last = p.last.getAndSet(null);
            if (last == null && delta[0] + delta[1] + delta[2] + delta[3] == 0) continue;
            try {
                add(entry.getKey(), p.tenantId, delta, last);
                written++;
            } catch (RuntimeException e) {
                // Kept for the next flush: the database may be back by then.
                for (int i = 0; i < 4; i++) p.counts[i].addAndGet(delta[i]);
                if (last != null) p.last.accumulateAndGet(last, (a, b) -> a == null || b.isAfter(a) ? b : a);
                log.warn("Could not write the counts of source {}; kept for the next try", entry.getKey(), e);
            }
        }
        return written;
    }

    private void add(String sourceId, String tenantId, long[] d, Instant last) {
        if (update(sourceId, d, last) == 1) return;
        // The source's first counts: make its row (another node may have just made it), then add.
        jdbc.sql("""
                INSERT INTO source_stats (source_id, tenant_id, accepted, duplicate, rejected, ignored)
                VALUES (:source, :tenant, 0, 0, 0, 0) ON CONFLICT DO NOTHING
                """).param("source", sourceId).param("tenant", tenantId).update();
        update(sourceId, d, last);
    }

    private int update(String sourceId, long[] d, Instant last) {
        String latest = last == null ? "" : """
                , last_received_at = CASE WHEN last_received_at IS NULL OR last_received_at < :last
                                          THEN :last ELSE last_received_at END""";
        var sql = jdbc.sql("""
                UPDATE source_stats SET accepted = accepted + :accepted, duplicate = duplicate + :duplicate,
                    rejected = rejected + :rejected, ignored = ignored + :ignored""" + latest + " WHERE source_id = :source");
        if (last != null) sql = sql.param("last", ts(last));
        return sql.param("source", sourceId)
                .param("accepted", d[0])
                .param("duplicate", d[1])
                .param("rejected", d[2])
                .param("ignored", d[3])
                .update();
    }

    /** The counts of these sources of the tenant, this node's unwritten ones included; absent ids are zero. */
    Map<String, Counts> of(String tenantId, Collection<String> sourceIds) {
        Map<String, Counts> out = new LinkedHashMap<>();
        if (sourceIds.isEmpty()) return out;
        flush();
        jdbc.sql("""
                SELECT source_id, accepted, duplicate, rejected, ignored, last_received_at FROM source_stats
                WHERE tenant_id = :tenant AND source_id IN (:sources)
                """).param("tenant", tenantId).param("sources", sourceIds).query(rs -> {
            out.put(
                    rs.getString("source_id"),
                    new Counts(
                            rs.getLong("accepted"),
                            rs.getLong("duplicate"),
                            rs.getLong("rejected"),
                            rs.getLong("ignored"),
                            instant(rs, "last_received_at")));
        });
        return out;
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
        flush();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }
}
