-- One set of migrations for H2 (in PostgreSQL mode) and PostgreSQL 14+.
-- Dialect-specific migrations, when unavoidable, go to db/migration/{h2,postgresql}.

CREATE TABLE tenants (
    id         VARCHAR(64)              NOT NULL PRIMARY KEY,
    name       VARCHAR(200)             NOT NULL,
    status     VARCHAR(16)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tenants_status_check CHECK (status IN ('active', 'disabled'))
);

CREATE INDEX tenants_page_idx ON tenants (created_at, id);

-- tenant_id is NULL for platform-admin keys. Only a SHA-256 of the key is kept.
CREATE TABLE api_keys (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)              REFERENCES tenants (id),
    name        VARCHAR(200)             NOT NULL,
    role        VARCHAR(16)              NOT NULL,
    prefix      VARCHAR(32)              NOT NULL,
    secret_hash BYTEA                    NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_role_check CHECK (role IN ('platform_admin', 'admin', 'viewer')),
    CONSTRAINT api_keys_platform_check CHECK ((tenant_id IS NULL) = (role = 'platform_admin'))
);

CREATE INDEX api_keys_tenant_page_idx ON api_keys (tenant_id, created_at, id);
