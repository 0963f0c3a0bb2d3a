-- The outbox queue as a partial index: only jobs a worker may still take are in it, in claim
-- order (priority, then due time), so a claim walks it and stops at its limit; finished jobs
-- never weigh on it. PostgreSQL only: H2 has no partial indexes and keeps the full one.
DROP INDEX outbox_jobs_due_idx;
CREATE INDEX outbox_jobs_due_idx ON outbox_jobs (priority DESC, next_attempt_at, id)
    WHERE status IN ('queued', 'held', 'in_flight');
