-- The inbound event a forwarded message carries (null for other messages), so SQL can join a
-- message to its event without parsing payloads (bench/run's ingest -> delivered latency does).
-- Not indexed: nothing looks messages up by it yet, and every forwarded message would pay for one.
ALTER TABLE messages ADD COLUMN inbound_event_id VARCHAR(40);
