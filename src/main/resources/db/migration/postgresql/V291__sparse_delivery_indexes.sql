-- Indexes on deliveries that most rows never need an entry in. A delivery is written three times
-- (queued, claimed, done) and no write is a HOT update (the claim sets the indexed lease, the outcome
-- the status), so each version of the row is an entry in every full index. Only deliveries with an
-- ordering key are looked up by it (a delivery waits behind an earlier one with its key), and only
-- failed ones by the time they failed (operations' count of recent failures). H2 has no partial
-- indexes: there both stay whole.
DROP INDEX deliveries_ordering_idx;
CREATE INDEX deliveries_ordering_idx ON deliveries (endpoint_id, ordering_key, seq) WHERE ordering_key IS NOT NULL;
DROP INDEX deliveries_failed_time_idx;
CREATE INDEX deliveries_failed_time_idx ON deliveries (updated_at) WHERE status = 'failed';
