-- Bulk replays of inbound events, run as jobs: a node claims a job (lease and fencing token), replays
-- the next chunk of matching events and records its progress in the same transaction, fenced.
CREATE TABLE event_replays (
    id           VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    filter       VARCHAR(4000)            NOT NULL,
    max_events   INTEGER                  NOT NULL,
    -- Only events received up to here: what the filter matched when the job was asked for.
    received_to  TIMESTAMP WITH TIME ZONE NOT NULL,
    matched      INTEGER                  NOT NULL,
    replayed     INTEGER                  NOT NULL,
    status       VARCHAR(16)              NOT NULL,
    after_at     TIMESTAMP WITH TIME ZONE,
    after_id     VARCHAR(40),
    locked_until TIMESTAMP WITH TIME ZONE,
    lease_token  INTEGER                  NOT NULL,
    last_error   VARCHAR(2000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT event_replays_status_check CHECK (status IN ('queued', 'running', 'done', 'failed'))
);
CREATE INDEX event_replays_due_idx ON event_replays (status, locked_until);
CREATE INDEX event_replays_tenant_idx ON event_replays (tenant_id, created_at, id);
