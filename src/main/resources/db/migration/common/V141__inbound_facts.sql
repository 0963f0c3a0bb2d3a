-- Duplicate deliveries of an inbound event: one row each, without the body, so that analytics can
-- count them (the event itself is stored once). No foreign key to the event: retention deletes
-- events and duplicates on their own schedules.
CREATE TABLE inbound_duplicates (
    id          VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    source_id   VARCHAR(40)              NOT NULL REFERENCES sources (id),
    event_id    VARCHAR(40)              NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX inbound_duplicates_received_idx ON inbound_duplicates (received_at);

-- A source's latest event (its view). Rejections by time across tenants use
-- inbound_rejections_time_idx (V130).
CREATE INDEX inbound_events_source_received_idx ON inbound_events (source_id, received_at);
