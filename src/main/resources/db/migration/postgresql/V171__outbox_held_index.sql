-- The jobs a connection holds, found at once when it becomes active again (to send them then, not
-- at their next recheck). Partial: only held jobs are in it, so it costs the queue nothing.
-- H2 has no partial indexes; there the release reads the tenant's page index.
CREATE INDEX outbox_jobs_held_idx ON outbox_jobs (connection_id) WHERE status = 'held';
