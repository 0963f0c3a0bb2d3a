-- Per-source counters for the sources views. Each node adds what it counted since its last flush
-- (about once a second), so ingest never waits on a shared row. No row yet means all zero.
CREATE TABLE source_stats (
    source_id        VARCHAR(40)              NOT NULL PRIMARY KEY REFERENCES sources (id),
    tenant_id        VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    accepted         BIGINT                   NOT NULL,
    duplicate        BIGINT                   NOT NULL,
    rejected         BIGINT                   NOT NULL,
    ignored          BIGINT                   NOT NULL,
    last_received_at TIMESTAMP WITH TIME ZONE
);

-- Sources older than the counters start from what is still stored (retention may have removed some,
-- and rejections past a source's per-minute budget were never recorded).
INSERT INTO source_stats (source_id, tenant_id, accepted, duplicate, rejected, ignored, last_received_at)
SELECT s.id, s.tenant_id, COALESCE(e.n, 0), COALESCE(d.n, 0), COALESCE(r.n, 0), 0, e.latest
FROM sources s
LEFT JOIN (SELECT source_id, count(*) AS n, max(received_at) AS latest FROM inbound_events GROUP BY source_id) e
       ON e.source_id = s.id
LEFT JOIN (SELECT source_id, count(*) AS n FROM inbound_duplicates GROUP BY source_id) d ON d.source_id = s.id
LEFT JOIN (SELECT source_id, count(*) AS n FROM inbound_rejections GROUP BY source_id) r ON r.source_id = s.id;
