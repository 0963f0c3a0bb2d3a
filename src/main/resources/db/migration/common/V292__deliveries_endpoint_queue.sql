-- Each endpoint's own queue of pending deliveries in claim order. The delivery engine reads the
-- head of the whole queue (deliveries_due_idx) a bounded window at a time; when that window holds
-- only what it may not claim (an endpoint at its cap with a backlog), it finds the other endpoints
-- with due work one index descent each, and reads their heads here, rather than walking every
-- delivery in between.
CREATE INDEX deliveries_endpoint_due_idx ON deliveries (status, endpoint_id, next_attempt_at, seq);
