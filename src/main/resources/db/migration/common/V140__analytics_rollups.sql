-- Analytics rollups: counts and a latency sketch per tenant, minute or day, and subject (a source, an
-- endpoint, a connection), kept by a catch-up job from the facts the owning modules expose. A row is
-- derived data: the job replaces whole buckets, so rerunning it (after a crash) gives the same rows.
-- kind 'connection' rows hold provider calls (calls_* and the call latency sketch): the columns are
-- here so that the call log's facts plug in without a migration.
CREATE TABLE analytics_rollups (
    tenant_id      VARCHAR(64)              NOT NULL,
    grain          VARCHAR(8)               NOT NULL,
    bucket         TIMESTAMP WITH TIME ZONE NOT NULL,
    kind           VARCHAR(16)              NOT NULL,
    subject_id     VARCHAR(40)              NOT NULL,
    -- '' when the facts name no provider (a message the platform sent itself).
    provider       VARCHAR(64)              NOT NULL,
    received       BIGINT                   NOT NULL,
    rejected       BIGINT                   NOT NULL,
    duplicates     BIGINT                   NOT NULL,
    attempts       BIGINT                   NOT NULL,
    succeeded      BIGINT                   NOT NULL,
    failed         BIGINT                   NOT NULL,
    calls          BIGINT                   NOT NULL,
    calls_2xx      BIGINT                   NOT NULL,
    calls_4xx      BIGINT                   NOT NULL,
    calls_5xx      BIGINT                   NOT NULL,
    calls_error    BIGINT                   NOT NULL,
    -- Sum and DDSketch of the latencies of this row's attempts (endpoint rows) or calls (connection rows).
    latency_sum_ms BIGINT                   NOT NULL,
    latency_sketch BYTEA,
    CONSTRAINT analytics_rollups_grain_check CHECK (grain IN ('minute', 'day')),
    CONSTRAINT analytics_rollups_kind_check CHECK (kind IN ('source', 'endpoint', 'connection')),
    PRIMARY KEY (tenant_id, grain, bucket, kind, subject_id, provider)
);

-- The job replaces a stream's buckets across tenants: by grain, kind and time.
CREATE INDEX analytics_rollups_rebuild_idx ON analytics_rollups (grain, kind, bucket);

-- How far each fact stream ('inbound', 'outbound', later 'calls') has been rolled up. The row lock
-- taken on it makes one node at a time roll up a stream.
CREATE TABLE analytics_watermarks (
    stream       VARCHAR(32)              NOT NULL PRIMARY KEY,
    rolled_up_to TIMESTAMP WITH TIME ZONE
);
INSERT INTO analytics_watermarks (stream, rolled_up_to) VALUES ('inbound', NULL);
INSERT INTO analytics_watermarks (stream, rolled_up_to) VALUES ('outbound', NULL);
