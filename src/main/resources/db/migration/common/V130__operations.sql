-- Operations: alert channels and rules (per tenant, or platform-wide under the tenant id
-- '_platform', which is why tenant_id has no foreign key here), the alerts sent and their
-- deliveries to each channel, the signals operational events leave for the alerting worker, and
-- the log of background job runs.

CREATE TABLE alert_channels (
    id         VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64)              NOT NULL,
    name       VARCHAR(200)             NOT NULL,
    kind       VARCHAR(32)              NOT NULL,
    -- Vault ciphertext bound to (tenant_id, 'alert_channels', 'url', id): a webhook URL is its own credential.
    url        BYTEA                    NOT NULL,
    url_hint   VARCHAR(300)             NOT NULL,
    enabled    BOOLEAN                  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT alert_channels_kind_check CHECK (kind IN ('slack', 'teams', 'teams_connector', 'webhook'))
);

CREATE INDEX alert_channels_tenant_idx ON alert_channels (tenant_id, created_at, id);

CREATE TABLE alert_rules (
    id             VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)              NOT NULL,
    kind           VARCHAR(40)              NOT NULL,
    threshold      INTEGER,
    window_seconds INTEGER                  NOT NULL,
    severity       VARCHAR(16)              NOT NULL,
    enabled        BOOLEAN                  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX alert_rules_tenant_idx ON alert_rules (tenant_id, created_at, id);
CREATE INDEX alert_rules_kind_idx ON alert_rules (kind, tenant_id);

-- What an operational event or a threshold said, written in the transaction that changed the
-- state (so nothing is lost) and turned into alerts by a worker that claims them.
CREATE TABLE alert_signals (
    id           VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)              NOT NULL,
    kind         VARCHAR(40)              NOT NULL,
    subject      VARCHAR(300)             NOT NULL,
    firing       BOOLEAN                  NOT NULL,
    title        VARCHAR(300)             NOT NULL,
    message      VARCHAR(2000)            NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE,
    lease_token  BIGINT                   NOT NULL
);

CREATE INDEX alert_signals_due_idx ON alert_signals (created_at);

-- One row per rule and subject: whether the condition is firing, and the de-duplication window of
-- the last alert sent for it.
CREATE TABLE alert_states (
    rule_id      VARCHAR(40)              NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    subject      VARCHAR(300)             NOT NULL,
    firing       BOOLEAN                  NOT NULL,
    alert_id     VARCHAR(40)              NOT NULL,
    window_until TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (rule_id, subject)
);

CREATE TABLE alerts (
    id           VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)              NOT NULL,
    rule_id      VARCHAR(40),
    kind         VARCHAR(40)              NOT NULL,
    subject      VARCHAR(300),
    recovery     BOOLEAN                  NOT NULL,
    severity     VARCHAR(16)              NOT NULL,
    title        VARCHAR(300)             NOT NULL,
    message      VARCHAR(4000)            NOT NULL,
    user_id      VARCHAR(200),
    occurrences  INTEGER                  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX alerts_tenant_page_idx ON alerts (tenant_id, created_at, id);
CREATE INDEX alerts_time_idx ON alerts (created_at);

CREATE TABLE alert_deliveries (
    id              VARCHAR(40)              NOT NULL PRIMARY KEY,
    alert_id        VARCHAR(40)              NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel_id      VARCHAR(40)              NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    attempts        INTEGER                  NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    locked_until    TIMESTAMP WITH TIME ZONE,
    lease_token     BIGINT                   NOT NULL,
    last_status     INTEGER,
    last_error      VARCHAR(500),
    sent_at         TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed'))
);

CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id);
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (status, next_attempt_at);

-- Background job runs that did work or failed (idle polls leave no row).
CREATE TABLE job_runs (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    name        VARCHAR(100)             NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE NOT NULL,
    processed   INTEGER                  NOT NULL,
    succeeded   INTEGER                  NOT NULL,
    failed      INTEGER                  NOT NULL,
    error       VARCHAR(500)
);

CREATE INDEX job_runs_time_idx ON job_runs (started_at, id);
CREATE INDEX job_runs_name_idx ON job_runs (name, started_at);

-- Backlog and spike readings: dead letters of the last hour, rejections of the last minutes.
CREATE INDEX deliveries_failed_time_idx ON deliveries (status, updated_at);
CREATE INDEX inbound_rejections_time_idx ON inbound_rejections (received_at);
