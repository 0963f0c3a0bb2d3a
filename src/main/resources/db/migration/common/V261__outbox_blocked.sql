-- An outbox job whose consent was withdrawn after it was queued ends 'blocked', never sent. The
-- list also holds the approval gates' statuses (issue 15, items 1 and 2), so that whichever of the
-- two migrations that rewrite this check runs last, both sets of statuses stay allowed.
ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_status_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_status_check
    CHECK (status IN ('queued', 'held', 'in_flight', 'succeeded', 'failed', 'cancelled', 'blocked',
                      'pending_approval', 'approved', 'denied', 'expired'));
