-- The call log: one row per call Switchboard made to a provider's API (proxy, outbox attempt, health
-- check, token request). The path's query has its secrets redacted before it is stored; bodies are
-- stored only when the caller passed them (a connection's opt-in), redacted and capped. No foreign
-- key to connections: the log outlives a deleted connection, until retention removes it.
CREATE TABLE provider_calls (
    id             VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    connection_id  VARCHAR(40),
    provider       VARCHAR(64),
    origin         VARCHAR(16)              NOT NULL,
    method         VARCHAR(16)              NOT NULL,
    path           VARCHAR(2000)            NOT NULL,
    status         INTEGER,
    latency_ms     BIGINT                   NOT NULL,
    request_bytes  BIGINT                   NOT NULL,
    response_bytes BIGINT                   NOT NULL,
    error          VARCHAR(500),
    actor          VARCHAR(200),
    request_id     VARCHAR(64),
    called_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    request_body   VARCHAR(70000),
    response_body  VARCHAR(70000),
    CONSTRAINT provider_calls_origin_check CHECK (origin IN ('proxy', 'outbox', 'health_check', 'token'))
);

-- A tenant's calls newest first, and one connection's; retention deletes the oldest across tenants.
CREATE INDEX provider_calls_tenant_idx ON provider_calls (tenant_id, called_at, id);
CREATE INDEX provider_calls_connection_idx ON provider_calls (tenant_id, connection_id, called_at, id);
CREATE INDEX provider_calls_time_idx ON provider_calls (called_at);
