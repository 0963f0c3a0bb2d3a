-- Token refresh across nodes: a short claim (a random token and how long it holds) instead of a
-- row lock held during the token call. The token leads no index, so a fenced write-back
-- (WHERE id = :id AND refresh_claim = :token) can only be served by the primary key.
ALTER TABLE connections ADD COLUMN refresh_claim VARCHAR(40);
ALTER TABLE connections ADD COLUMN refresh_claimed_until TIMESTAMP WITH TIME ZONE;

-- An authorization is bound to the OAuth client it was started for: a callback after the client
-- changed is refused. Expired states are purged by a job.
ALTER TABLE oauth_states ADD COLUMN oauth_client_id VARCHAR(500);
CREATE INDEX oauth_states_expiry_idx ON oauth_states (expires_at);

-- A transition is fenced on the state it was read in (WHERE id = :id AND tenant_id = :t AND
-- state = :from): with indexes led by state, a generic plan on a table without statistics may scan
-- one of them instead of the primary key. The due queues are served by their times alone.
DROP INDEX connections_refresh_idx;
DROP INDEX connections_check_idx;
CREATE INDEX connections_refresh_due_idx ON connections (next_refresh_at);
CREATE INDEX connections_check_due_idx ON connections (next_check_at);
