-- The work queues as partial indexes: only waiting rows are in them, so a claim reads due rows in
-- claim order and stops at its limit, and no fenced update by id can be tempted to scan them
-- (their predicate names the status, which the fenced updates no longer mention). PostgreSQL
-- only: H2 has no partial indexes and keeps the full ones.
DROP INDEX deliveries_due_idx;
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at, seq) WHERE status = 'pending';
DROP INDEX deliveries_leased_idx;
CREATE INDEX deliveries_leased_idx ON deliveries (locked_until, endpoint_id)
    WHERE status = 'pending' AND locked_until IS NOT NULL;
DROP INDEX inbound_events_due_idx;
CREATE INDEX inbound_events_due_idx ON inbound_events (next_attempt_at) WHERE status = 'received';
