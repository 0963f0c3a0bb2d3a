-- A connection may opt in to keeping its request and response bodies (redacted, cut) in the call log.
ALTER TABLE connections ADD COLUMN store_call_bodies BOOLEAN DEFAULT FALSE NOT NULL;
