-- The endpoints' queue index holds only pending deliveries on PostgreSQL (see V31): the loose scan
-- over endpoints with pending work then never steps over delivered history.
DROP INDEX deliveries_endpoint_due_idx;
CREATE INDEX deliveries_endpoint_due_idx ON deliveries (endpoint_id, next_attempt_at, seq) WHERE status = 'pending';
