-- Hour rollup rows: hourly series read 168 hour rows per subject for a week instead of 10,080 minute
-- rows. An hour's rows are built from its minute rows once no run can recompute them, like day rows;
-- hour_rows_to says how far a stream's hour rows are built (NULL: none yet; the job then starts from
-- the oldest whole hour still held in minute rows, which also fills them in after this upgrade).
ALTER TABLE analytics_rollups DROP CONSTRAINT analytics_rollups_grain_check;
ALTER TABLE analytics_rollups ADD CONSTRAINT analytics_rollups_grain_check CHECK (grain IN ('minute', 'hour', 'day'));
ALTER TABLE analytics_watermarks ADD COLUMN hour_rows_to TIMESTAMP WITH TIME ZONE;
