-- Retention deletes the oldest rows across tenants in small batches: each purge reads an index on
-- its time column instead of scanning the table. Idempotency keys are also deleted by message.
CREATE INDEX messages_created_idx ON messages (created_at);
CREATE INDEX message_idempotency_created_idx ON message_idempotency (created_at);
CREATE INDEX message_idempotency_message_idx ON message_idempotency (message_id);
CREATE INDEX delivery_attempts_time_idx ON delivery_attempts (attempted_at);
CREATE INDEX connection_health_time_idx ON connection_health (checked_at);
