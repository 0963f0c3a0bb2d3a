-- Inbound webhooks: sources (one ingest URL each), the events they received, rejected attempts,
-- and the mapping of provider subjects (a Stripe customer) to the platform's own user ids.

CREATE TABLE sources (
    id                         VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id                  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    name                       VARCHAR(200)             NOT NULL,
    provider                   VARCHAR(32)              NOT NULL,
    options                    VARCHAR(4000)            NOT NULL,
    status                     VARCHAR(16)              NOT NULL,
    -- Vault ciphertexts, bound to (tenant, 'sources', column, id). NULL for provider 'none'.
    secret                     BYTEA,
    secret_hint                VARCHAR(16),
    previous_secret            BYTEA,
    previous_secret_expires_at TIMESTAMP WITH TIME ZONE,
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sources_status_check CHECK (status IN ('active', 'disabled', 'deleted'))
);

CREATE INDEX sources_tenant_page_idx ON sources (tenant_id, created_at, id);

-- One row per accepted request. The unique (source_id, dedupe_key) makes concurrent duplicates
-- collapse in the database, not in memory. The processing columns drive the asynchronous stage:
-- a node claims due rows with FOR UPDATE SKIP LOCKED and leases them until locked_until.
CREATE TABLE inbound_events (
    id               VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    source_id        VARCHAR(40)              NOT NULL REFERENCES sources (id),
    provider         VARCHAR(32)              NOT NULL,
    dedupe_key       VARCHAR(200)             NOT NULL,
    event_type       VARCHAR(200)             NOT NULL,
    subject          VARCHAR(200),
    user_id          VARCHAR(200),
    provider_time    TIMESTAMP WITH TIME ZONE,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    content_type     VARCHAR(200),
    headers          VARCHAR(16000)           NOT NULL,
    body             BYTEA,
    body_size        INTEGER                  NOT NULL,
    body_purged_at   TIMESTAMP WITH TIME ZONE,
    verification     VARCHAR(32)              NOT NULL,
    status           VARCHAR(16)              NOT NULL,
    attempts         INTEGER                  NOT NULL,
    runs             INTEGER                  NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    locked_until     TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(2000),
    processed_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT inbound_events_status_check CHECK (status IN ('received', 'processed', 'failed')),
    CONSTRAINT inbound_events_dedupe_unique UNIQUE (source_id, dedupe_key)
);

CREATE INDEX inbound_events_tenant_page_idx ON inbound_events (tenant_id, received_at, id);
CREATE INDEX inbound_events_page_idx ON inbound_events (received_at, id);
CREATE INDEX inbound_events_due_idx ON inbound_events (status, next_attempt_at);

-- Each processing run of an event: the first after ingest, then one per replay.
CREATE TABLE inbound_event_runs (
    event_id    VARCHAR(40)              NOT NULL REFERENCES inbound_events (id),
    run         INTEGER                  NOT NULL,
    reason      VARCHAR(16)              NOT NULL,
    outcome     VARCHAR(16)              NOT NULL,
    error       VARCHAR(2000),
    finished_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (event_id, run)
);

-- Requests that failed verification: kept for the logs, without their bodies.
CREATE TABLE inbound_rejections (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    source_id   VARCHAR(40)              NOT NULL REFERENCES sources (id),
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    code        VARCHAR(64)              NOT NULL,
    reason      VARCHAR(500)             NOT NULL,
    headers     VARCHAR(16000)           NOT NULL,
    body_size   INTEGER                  NOT NULL,
    remote_addr VARCHAR(64)
);

CREATE INDEX inbound_rejections_source_idx ON inbound_rejections (source_id, received_at, id);

CREATE TABLE subject_mappings (
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    external_id VARCHAR(200)             NOT NULL,
    user_id     VARCHAR(200)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, external_id)
);
