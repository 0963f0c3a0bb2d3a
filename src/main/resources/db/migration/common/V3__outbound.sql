-- Outbound webhooks: event types, customer endpoints, messages, one delivery per (message, endpoint),
-- and the log of every attempt.

CREATE TABLE event_types (
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    name        VARCHAR(200)             NOT NULL,
    description VARCHAR(1000),
    deprecated  BOOLEAN                  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE endpoints (
    id                         VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id                  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    url                        VARCHAR(2000)            NOT NULL,
    description                VARCHAR(1000),
    event_types                VARCHAR(8000)            NOT NULL,
    headers                    VARCHAR(8000)            NOT NULL,
    status                     VARCHAR(16)              NOT NULL,
    disabled_reason            VARCHAR(200),
    -- Vault ciphertexts bound to (tenant, 'endpoints', column, id).
    secret                     BYTEA,
    previous_secret            BYTEA,
    previous_secret_expires_at TIMESTAMP WITH TIME ZONE,
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT endpoints_status_check CHECK (status IN ('active', 'disabled', 'deleted'))
);

CREATE INDEX endpoints_tenant_page_idx ON endpoints (tenant_id, created_at, id);

CREATE TABLE messages (
    id         VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    event_type VARCHAR(200)             NOT NULL,
    payload    BYTEA                    NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX messages_tenant_page_idx ON messages (tenant_id, created_at, id);

-- Idempotency-Key → message, for 24 hours; the body hash tells a retry from a different request.
CREATE TABLE message_idempotency (
    tenant_id  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    idem_key   VARCHAR(200)             NOT NULL,
    body_hash  BYTEA                    NOT NULL,
    message_id VARCHAR(40)              NOT NULL REFERENCES messages (id),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, idem_key)
);

-- One row per message and endpoint: the work queue of the delivery engine. 'paused' rows belong to a
-- disabled endpoint and resume when it is enabled again; nothing is dropped.
CREATE TABLE deliveries (
    id               VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    message_id       VARCHAR(40)              NOT NULL REFERENCES messages (id),
    endpoint_id      VARCHAR(40)              NOT NULL REFERENCES endpoints (id),
    status           VARCHAR(16)              NOT NULL,
    attempts         INTEGER                  NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    locked_until     TIMESTAMP WITH TIME ZONE,
    last_status_code INTEGER,
    last_error       VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'paused')),
    CONSTRAINT deliveries_unique UNIQUE (message_id, endpoint_id)
);

CREATE INDEX deliveries_due_idx ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, status);

CREATE TABLE delivery_attempts (
    id               VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    delivery_id      VARCHAR(40)              NOT NULL REFERENCES deliveries (id),
    message_id       VARCHAR(40)              NOT NULL REFERENCES messages (id),
    endpoint_id      VARCHAR(40)              NOT NULL REFERENCES endpoints (id),
    attempted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome          VARCHAR(32)              NOT NULL,
    status_code      INTEGER,
    latency_ms       INTEGER                  NOT NULL,
    response_excerpt VARCHAR(20000),
    error            VARCHAR(2000)
);

CREATE INDEX delivery_attempts_message_idx ON delivery_attempts (message_id, attempted_at);
CREATE INDEX delivery_attempts_endpoint_idx ON delivery_attempts (endpoint_id, attempted_at, id);
