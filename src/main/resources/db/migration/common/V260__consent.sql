-- Contacts and their consent (issue 15, items 3 and 4). A contact's personal fields are sealed with a
-- data key of its own (a Tink keyset, itself sealed by the vault in data_key): erasing a contact
-- destroys that key, so every copy of its ciphertexts, backups included, becomes unreadable.

CREATE TABLE contacts (
    id                VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id         VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    -- HMAC of the external id under a platform key: finds a contact by it without storing it readable.
    external_id_index VARCHAR(64),
    external_id       BYTEA,
    email             BYTEA,
    phone             BYTEA,
    -- What lists show: enough to recognise a contact, not enough to reach one.
    external_id_mask  VARCHAR(40),
    email_mask        VARCHAR(80),
    phone_mask        VARCHAR(40),
    data_key          BYTEA,
    erased_at         TIMESTAMP WITH TIME ZONE,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT contacts_external_id UNIQUE (tenant_id, external_id_index)
);

CREATE INDEX contacts_tenant_page_idx ON contacts (tenant_id, created_at, id);

-- The current choice per channel and purpose; no row is no consent.
CREATE TABLE contact_consents (
    tenant_id  VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    contact_id VARCHAR(40)              NOT NULL REFERENCES contacts (id),
    channel    VARCHAR(32)              NOT NULL,
    purpose    VARCHAR(64)              NOT NULL,
    status     VARCHAR(16)              NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (contact_id, channel, purpose),
    CONSTRAINT contact_consents_status_check CHECK (status IN ('granted', 'withdrawn'))
);

-- Every change, as it happened: when, from where, and the evidence (sealed with the contact's key).
CREATE TABLE consent_history (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    contact_id  VARCHAR(40)              NOT NULL REFERENCES contacts (id),
    channel     VARCHAR(32)              NOT NULL,
    purpose     VARCHAR(64)              NOT NULL,
    status      VARCHAR(16)              NOT NULL,
    source      VARCHAR(64)              NOT NULL,
    evidence    BYTEA,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX consent_history_contact_idx ON consent_history (contact_id, occurred_at, id);

-- The consent an outbox job was queued under, checked again just before it is sent. Kept beside the
-- job rather than in it: the outbox knows nothing of contacts. No foreign key: the job is the
-- gateway's row.
CREATE TABLE outbox_job_consents (
    job_id     VARCHAR(40) NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64) NOT NULL REFERENCES tenants (id),
    contact_id VARCHAR(40) NOT NULL REFERENCES contacts (id),
    channel    VARCHAR(32) NOT NULL,
    purpose    VARCHAR(64) NOT NULL
);

-- Platform keys of this capability (unsubscribe-link signing, the external-id index), sealed by the vault.
CREATE TABLE consent_keys (
    id         VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64)              NOT NULL,
    sealed_key BYTEA                    NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
