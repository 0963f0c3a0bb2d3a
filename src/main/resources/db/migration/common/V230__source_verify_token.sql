-- A second sealed token for providers that check a subscription with one (Meta's hub.verify_token).
-- Vault ciphertext bound to (tenant, 'sources', 'verify_token', id); NULL for every other provider.
ALTER TABLE sources ADD COLUMN verify_token BYTEA;
