-- The provider API outbox: one row per queued call to a provider's API on a connection's behalf,
-- and one row per attempt to send it. No foreign key to connections: a connection belongs to
-- another module and may be deleted; its jobs then fail when they come due.

CREATE TABLE outbox_jobs (
    id              VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    connection_id   VARCHAR(40)              NOT NULL,
    provider        VARCHAR(64)              NOT NULL,
    method          VARCHAR(8)               NOT NULL,
    path            VARCHAR(2000)            NOT NULL,
    query           VARCHAR(4000),
    headers         VARCHAR(8000)            NOT NULL,
    body            BYTEA,
    body_json       BOOLEAN                  NOT NULL,
    idempotency_key VARCHAR(200),
    -- SHA-256 of the request as the caller sent it: tells a repeat from a different request.
    request_hash    BYTEA                    NOT NULL,
    priority        INTEGER                  NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    max_attempts    INTEGER                  NOT NULL,
    attempts        INTEGER                  NOT NULL,
    -- A retry of a failed job starts a new series of attempts.
    series          INTEGER                  NOT NULL,
    not_before      TIMESTAMP WITH TIME ZONE,
    deadline        TIMESTAMP WITH TIME ZONE,
    -- When a worker looks at the job next: due (queued, held), or, in flight, when its lease ends.
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    -- The fencing token: every claim moves it on; every write after a claim names it.
    lease_token     INTEGER                  NOT NULL,
    last_status     INTEGER,
    last_error      VARCHAR(2000),
    metadata        VARCHAR(4000)            NOT NULL,
    -- Who queued it (the API key's id) and the request that did: the call log names them.
    created_by      VARCHAR(64),
    request_id      VARCHAR(200),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT outbox_jobs_status_check
        CHECK (status IN ('queued', 'held', 'in_flight', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT outbox_jobs_priority_check CHECK (priority BETWEEN 0 AND 9),
    CONSTRAINT outbox_jobs_idempotency UNIQUE (tenant_id, idempotency_key)
);

-- The work queue in claim order (PostgreSQL replaces it with a partial index of waiting jobs).
CREATE INDEX outbox_jobs_due_idx ON outbox_jobs (priority DESC, next_attempt_at, id);
CREATE INDEX outbox_jobs_tenant_page_idx ON outbox_jobs (tenant_id, created_at, id);

CREATE TABLE outbox_attempts (
    id               VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    job_id           VARCHAR(40)              NOT NULL REFERENCES outbox_jobs (id),
    series           INTEGER                  NOT NULL,
    attempt          INTEGER                  NOT NULL,
    attempted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome          VARCHAR(16)              NOT NULL,
    status_code      INTEGER,
    latency_ms       INTEGER                  NOT NULL,
    retry_at         TIMESTAMP WITH TIME ZONE,
    error            VARCHAR(2000),
    -- Redacted: credentials, cookies and fields named like secrets never stored.
    response_headers VARCHAR(4000),
    response_excerpt VARCHAR(8000)
);

CREATE INDEX outbox_attempts_job_idx ON outbox_attempts (job_id, attempted_at);
