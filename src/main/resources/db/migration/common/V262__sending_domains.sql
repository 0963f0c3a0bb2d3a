-- Sending domains (issue 15, item 5): what a tenant expects its DNS to say, the last check's
-- verdicts, and daily counts of provider events per domain for the deliverability rates.

CREATE TABLE sending_domains (
    id              VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    domain          VARCHAR(253)             NOT NULL,
    spf_include     VARCHAR(253),
    -- Comma-separated DKIM selectors.
    dkim_selectors  VARCHAR(1000)            NOT NULL,
    dmarc_policy    VARCHAR(16)              NOT NULL,
    -- The last check: overall verdict and the per-record results as JSON.
    last_status     VARCHAR(16),
    last_result     VARCHAR(16000),
    last_checked_at TIMESTAMP WITH TIME ZONE,
    -- When the scheduled check looks next (a claim pushes it on by the check interval).
    next_check_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sending_domains_domain UNIQUE (tenant_id, domain)
);

CREATE INDEX sending_domains_due_idx ON sending_domains (next_check_at, id);

CREATE TABLE domain_event_counts (
    tenant_id  VARCHAR(64) NOT NULL REFERENCES tenants (id),
    domain     VARCHAR(253) NOT NULL,
    count_day  DATE        NOT NULL,
    delivered  BIGINT      NOT NULL,
    bounced    BIGINT      NOT NULL,
    complained BIGINT      NOT NULL,
    spam       BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, domain, count_day)
);

-- Which thresholds a domain is over now: an event is emitted when one is crossed, not at every event.
CREATE TABLE domain_rate_alerts (
    tenant_id VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    domain    VARCHAR(253)             NOT NULL,
    metric    VARCHAR(16)              NOT NULL,
    since     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, domain, metric)
);
