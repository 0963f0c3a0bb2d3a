-- Approval gates on outbox jobs. A job that needs a human's approval waits in 'pending_approval'
-- (no worker claims it); approved it is 'queued', denied 'denied', expired 'expired' (never sent).
ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_status_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_status_check
    CHECK (status IN ('queued', 'held', 'in_flight', 'succeeded', 'failed', 'cancelled',
                      'pending_approval', 'denied', 'expired'));

-- One row per job that asked for approval: the decision and who made it. The job is named by its
-- id (no foreign key: the outbox is another module's table). The preview is taken when the job is
-- queued, already redacted, so listing approvals never reads a job's raw request.
CREATE TABLE approval_requests (
    -- The job's own id: a job asks for approval once.
    id              VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    connection_id   VARCHAR(40)              NOT NULL,
    provider        VARCHAR(64)              NOT NULL,
    batch_id        VARCHAR(200),
    status          VARCHAR(16)              NOT NULL,
    -- Why approval is needed: the caller's reason, or the rule that matched.
    reason          VARCHAR(1000),
    rule_id         VARCHAR(40),
    four_eyes       BOOLEAN                  NOT NULL,
    -- The API key that queued the job: under four eyes it cannot decide.
    requested_by    VARCHAR(64),
    preview         VARCHAR(12000)           NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at      TIMESTAMP WITH TIME ZONE,
    -- A key id, 'slack:<user id>' or 'system' (expiry).
    decided_by      VARCHAR(200),
    decided_via     VARCHAR(16),
    decision_reason VARCHAR(1000),
    CONSTRAINT approval_requests_status_check CHECK (status IN ('pending', 'approved', 'denied', 'expired'))
);

CREATE INDEX approval_requests_tenant_idx ON approval_requests (tenant_id, status, created_at, id);
CREATE INDEX approval_requests_batch_idx ON approval_requests (tenant_id, batch_id, status);
CREATE INDEX approval_requests_expiry_idx ON approval_requests (status, expires_at);

-- A tenant's rules: a job matching every condition a rule sets needs approval.
CREATE TABLE approval_rules (
    id                 VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id          VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    name               VARCHAR(200)             NOT NULL,
    provider           VARCHAR(64),
    -- A glob over the request path: '*' within a segment, '**' across segments.
    path_pattern       VARCHAR(2000),
    -- JSON object: metadata entries the job must carry, exactly.
    metadata           VARCHAR(4000)            NOT NULL,
    -- Matches a job whose batch already holds more than this many jobs.
    batch_over         INTEGER,
    four_eyes          BOOLEAN                  NOT NULL,
    expires_in_seconds INTEGER,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX approval_rules_tenant_idx ON approval_rules (tenant_id, created_at, id);

-- How many jobs each batch id has brought, for rules on a batch's size.
CREATE TABLE approval_batches (
    tenant_id  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    batch_id   VARCHAR(200)             NOT NULL,
    jobs       INTEGER                  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, batch_id)
);

-- A tenant's approval settings: four eyes for every request, the default expiry, and where Slack
-- approval requests go.
CREATE TABLE approval_settings (
    tenant_id            VARCHAR(64)              NOT NULL PRIMARY KEY REFERENCES tenants (id),
    four_eyes            BOOLEAN                  NOT NULL,
    expires_in_seconds   INTEGER                  NOT NULL,
    slack_connection_id  VARCHAR(40),
    slack_channel        VARCHAR(200),
    -- Vault ciphertext bound to (tenant_id, 'approval_settings', 'slack_signing_secret', tenant_id).
    slack_signing_secret BYTEA,
    -- JSON object: Slack user id -> the approver's name, the only Slack users whose clicks count.
    slack_approvers      VARCHAR(4000)            NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Slack callbacks already applied (by signature), kept past the signature's tolerance: a replay
-- of the same signed request changes nothing.
CREATE TABLE approval_slack_callbacks (
    signature  VARCHAR(100)             NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64)              NOT NULL,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX approval_slack_callbacks_seen_idx ON approval_slack_callbacks (seen_at);
