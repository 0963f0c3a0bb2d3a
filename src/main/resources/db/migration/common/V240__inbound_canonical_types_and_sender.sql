-- Canonical types (payment.succeeded whichever processor sent it), the sender's address, and events
-- a source's allowedTypes turn away: stored as 'ignored' (answered 200, never routed).
ALTER TABLE inbound_events ADD COLUMN canonical_type VARCHAR(200);
ALTER TABLE inbound_events ADD COLUMN remote_addr VARCHAR(64);
ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_status_check;
ALTER TABLE inbound_events ADD CONSTRAINT inbound_events_status_check
    CHECK (status IN ('received', 'processed', 'failed', 'ignored'));
-- The events API's ?canonicalType= filter, newest first within a tenant.
CREATE INDEX inbound_events_tenant_canonical_idx ON inbound_events (tenant_id, canonical_type, received_at);
