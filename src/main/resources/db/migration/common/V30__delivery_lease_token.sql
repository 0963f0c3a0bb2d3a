-- The fencing token of a delivery: every claim (and every resend) moves it on, and every write
-- that follows a claim says "AND lease_token = <the token the claim returned>", so an outcome from
-- a node whose lease ran out matches no row. It leads no index: a fenced update by id can only
-- use the primary key, whatever the planner knows about the table.
ALTER TABLE deliveries ADD COLUMN lease_token INTEGER DEFAULT 0 NOT NULL;
