-- Provider calls in the rollups: 3xx answers get their own count (2xx, 4xx, 5xx and error had
-- columns already), and the call log's facts get a watermark of their own.
ALTER TABLE analytics_rollups ADD COLUMN calls_3xx BIGINT DEFAULT 0 NOT NULL;
INSERT INTO analytics_watermarks (stream, rolled_up_to) VALUES ('calls', NULL);

-- A signal that keeps failing is tried a bounded number of times, with backoff, then given up:
-- attempts counts the failures, gave_up_at marks a signal no longer claimed (kept for inspection
-- until it is purged with the alerts).
ALTER TABLE alert_signals ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE alert_signals ADD COLUMN last_error VARCHAR(500);
ALTER TABLE alert_signals ADD COLUMN gave_up_at TIMESTAMP WITH TIME ZONE;
