-- When an endpoint's current run of failures began (NULL while it succeeds): drives auto-disable.
ALTER TABLE endpoints ADD COLUMN failing_since TIMESTAMP WITH TIME ZONE;
