-- The dashboard's analytics read a tenant's attempts over a period, newest first; without this
-- index that is a scan of every tenant's attempts.
CREATE INDEX delivery_attempts_tenant_time_idx ON delivery_attempts (tenant_id, attempted_at);
