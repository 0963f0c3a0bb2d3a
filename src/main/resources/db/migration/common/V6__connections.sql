-- Connections: providers operators add beside the built-in catalog, tenants' connections with
-- their sealed credentials and tokens, OAuth authorization states, and health-check history.

CREATE TABLE custom_providers (
    provider_key VARCHAR(64)              NOT NULL PRIMARY KEY,
    definition   VARCHAR(20000)           NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE connections (
    id                  VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id           VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    provider            VARCHAR(64)              NOT NULL,
    name                VARCHAR(200)             NOT NULL,
    environment         VARCHAR(8)               NOT NULL,
    state               VARCHAR(16)              NOT NULL,
    config              VARCHAR(8000)            NOT NULL,
    -- Vault ciphertexts bound to (tenant, 'connections', column, id).
    credentials         BYTEA,
    credential_hints    VARCHAR(4000),
    oauth_client_id     VARCHAR(500),
    oauth_client_secret BYTEA,
    scopes              VARCHAR(2000),
    access_token        BYTEA,
    refresh_token       BYTEA,
    token_expires_at    TIMESTAMP WITH TIME ZONE,
    refresh_failures    INTEGER                  NOT NULL,
    next_refresh_at     TIMESTAMP WITH TIME ZONE,
    health              VARCHAR(16)              NOT NULL,
    health_checked_at   TIMESTAMP WITH TIME ZONE,
    next_check_at       TIMESTAMP WITH TIME ZONE,
    connected_at        TIMESTAMP WITH TIME ZONE,
    last_activity_at    TIMESTAMP WITH TIME ZONE,
    last_error          VARCHAR(2000),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT connections_state_check
        CHECK (state IN ('not_configured', 'pending_auth', 'active', 'error', 'suspended')),
    CONSTRAINT connections_environment_check CHECK (environment IN ('live', 'test'))
);

CREATE INDEX connections_tenant_page_idx ON connections (tenant_id, created_at, id);
CREATE INDEX connections_refresh_idx ON connections (state, next_refresh_at);
CREATE INDEX connections_check_idx ON connections (state, next_check_at);

-- One row per authorization started: the state (stored as its SHA-256) is single use and expires.
CREATE TABLE oauth_states (
    state_hash    VARCHAR(64)              NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    connection_id VARCHAR(40)              NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    code_verifier BYTEA                    NOT NULL,
    redirect_uri  VARCHAR(2000)            NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at       TIMESTAMP WITH TIME ZONE
);

CREATE TABLE connection_health (
    id            VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    connection_id VARCHAR(40)              NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    checked_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    status        VARCHAR(16)              NOT NULL,
    status_code   INTEGER,
    latency_ms    INTEGER                  NOT NULL,
    error         VARCHAR(2000)
);

CREATE INDEX connection_health_idx ON connection_health (connection_id, checked_at, id);
