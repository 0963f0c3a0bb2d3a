-- The provider's own id for an event (X-GitHub-Delivery, X-Shopify-Event-Id, the Stripe event id…),
-- kept to show and search by. It is no longer always the dedupe key: where the signature does not
-- cover it, a replay could carry a fresh one, so those events deduplicate on their body's hash.
ALTER TABLE inbound_events ADD COLUMN provider_event_id VARCHAR(200);
