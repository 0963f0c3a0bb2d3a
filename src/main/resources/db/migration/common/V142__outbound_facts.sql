-- The provider of the inbound event a message forwards (NULL for messages the platform sent):
-- analytics attributes deliveries to providers by it.
ALTER TABLE messages ADD COLUMN provider VARCHAR(32);

-- Attempts by time across tenants (analytics) use delivery_attempts_time_idx (V121).
-- A tenant's deliveries by status, newest first (the failed-deliveries list and bulk resend).
CREATE INDEX deliveries_tenant_status_idx ON deliveries (tenant_id, status, created_at, id);
-- A tenant's attempts, newest first (the activity feed).
CREATE INDEX delivery_attempts_tenant_idx ON delivery_attempts (tenant_id, attempted_at, id);
