package dev.switchboard.connections;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tenant's connection to a provider, as stored, without its secrets: those (credentials, OAuth
 * client secret, tokens) are vault ciphertexts read only by {@link ConnectionRepository#secrets}.
 *
 * @param credentialHints credential field → a hint safe to show (non-secret fields in full)
 */
record Connection(
        String id,
        String tenantId,
        String provider,
        String name,
        String environment,
        State state,
        Map<String, String> config,
        Map<String, String> credentialHints,
        String oauthClientId,
        List<String> scopes,
        boolean hasAccessToken,
        boolean hasRefreshToken,
        Instant tokenExpiresAt,
        int refreshFailures,
        Instant nextRefreshAt,
        String health,
        Instant healthCheckedAt,
        Instant connectedAt,
        Instant lastActivityAt,
        String lastError,
        Instant createdAt,
        Instant updatedAt) {

    /** The lifecycle: not_configured → pending_auth → active → error | suspended, and back. */
    enum State {
        NOT_CONFIGURED,
        PENDING_AUTH,
        ACTIVE,
        ERROR,
        SUSPENDED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State of(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Its secrets, decrypted. */
    record Secrets(Map<String, String> credentials, String clientSecret, String accessToken, String refreshToken) {
        @Override
        public String toString() {
            return "Secrets[redacted]";
        }
    }
}
