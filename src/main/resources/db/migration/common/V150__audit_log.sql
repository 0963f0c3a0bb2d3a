-- The audit log: one row per mutating API call and per security-relevant event. Append-only: the
-- application never deletes a row except in the retention purge, and updates a row only once, to
-- complete it after the response (status, and the id of a created resource); on PostgreSQL a trigger
-- (V151) enforces exactly that. No foreign keys: entries outlive the tenants and keys they name.
-- No values: "fields" holds only the top-level field names of the request body.
CREATE TABLE audit_log (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    tenant_id   VARCHAR(64),
    actor       VARCHAR(64),
    role        VARCHAR(16),
    action      VARCHAR(200)             NOT NULL,
    method      VARCHAR(10),
    target_type VARCHAR(64),
    target_id   VARCHAR(200),
    outcome     VARCHAR(8)               NOT NULL,
    status      INTEGER,
    request_id  VARCHAR(64),
    source_ip   VARCHAR(64),
    fields      VARCHAR(2000),
    CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('success', 'failure'))
);

CREATE INDEX audit_log_tenant_page_idx ON audit_log (tenant_id, occurred_at, id);
CREATE INDEX audit_log_page_idx ON audit_log (occurred_at, id);
