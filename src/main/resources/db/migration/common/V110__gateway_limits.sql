-- The provider API gateway's limits: per-connection overrides of the catalog's rate limits, the
-- provider's own signals (Retry-After, X-RateLimit-*, RateLimit) that slow a connection down, the
-- 80 % / 100 % crossings already reported per window, and Bucket4j's cluster-wide buckets when no
-- Redis is configured.

CREATE TABLE gateway_connection_limits (
    connection_id VARCHAR(40)              NOT NULL PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id     VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    per_second    INTEGER,
    per_minute    INTEGER,
    per_hour      INTEGER,
    per_day       INTEGER,
    per_month     INTEGER,
    burst         INTEGER,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Until resume_at: no call at all (spacing_millis NULL), or one call per spacing_millis, the next
-- not before next_at (claimed with a conditional UPDATE, so nodes share the pace).
CREATE TABLE gateway_throttles (
    connection_id  VARCHAR(40)              NOT NULL PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id      VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    resume_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    spacing_millis BIGINT,
    next_at        TIMESTAMP WITH TIME ZONE,
    reason         VARCHAR(200)             NOT NULL
);

-- One row per (connection, window, window start, level) reported: the event goes out once.
CREATE TABLE gateway_limit_crossings (
    connection_id VARCHAR(40)              NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id     VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    window_name   VARCHAR(8)               NOT NULL,
    window_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    level         VARCHAR(8)               NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_id, window_name, window_start, level)
);

CREATE INDEX gateway_limit_crossings_age_idx ON gateway_limit_crossings (created_at);

CREATE TABLE gateway_limit_buckets (
    id         VARCHAR(200) NOT NULL PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
