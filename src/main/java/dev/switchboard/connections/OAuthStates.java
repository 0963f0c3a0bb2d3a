package dev.switchboard.connections;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Authorizations in progress: one row per state handed to a provider (stored as its SHA-256), bound
 * to the connection and the OAuth client it was started for, single use, and purged once expired.
 */
@Repository
class OAuthStates {

    record PendingAuth(
            String tenantId,
            String connectionId,
            String oauthClientId,
            String verifier,
            String redirectUri,
            Instant expiresAt) {
        @Override
        public String toString() {
            return "PendingAuth[" + connectionId + "]";
        }
    }

    private final JdbcClient jdbc;
    private final Vault vault;

    OAuthStates(JdbcClient jdbc, Vault vault) {
        this.jdbc = jdbc;
        this.vault = vault;
    }

    void insert(String hash, Connection c, String verifier, String redirectUri, Instant expires) {
        jdbc.sql("""
                INSERT INTO oauth_states (state_hash, tenant_id, connection_id, oauth_client_id, code_verifier,
                    redirect_uri, expires_at)
                VALUES (:hash, :tenant, :connection, :client, :verifier, :redirect, :expires)
                """)
                .param("hash", hash)
                .param("tenant", c.tenantId())
                .param("connection", c.id())
                .param("client", c.oauthClientId())
                .param(
                        "verifier",
                        vault.encrypt(
                                Secret.of(verifier),
                                new SecretPlace(c.tenantId(), "oauth_states", "code_verifier", hash)))
                .param("redirect", redirectUri)
                .param("expires", ts(expires))
                .update();
    }

    /**
     * Marks a state used and returns what it was bound to; empty when unknown or already used (a
     * replay). Single use holds across nodes: only one UPDATE can move used_at from NULL.
     */
    Optional<PendingAuth> consume(String hash, Instant now) {
        int claimed = jdbc.sql("UPDATE oauth_states SET used_at = :now WHERE state_hash = :hash AND used_at IS NULL")
                .param("hash", hash)
                .param("now", ts(now))
                .update();
        if (claimed == 0) return Optional.empty();
        return jdbc.sql("SELECT * FROM oauth_states WHERE state_hash = :hash")
                .param("hash", hash)
                .query((rs, n) -> new PendingAuth(
                        rs.getString("tenant_id"),
                        rs.getString("connection_id"),
                        rs.getString("oauth_client_id"),
                        vault.decrypt(
                                        rs.getBytes("code_verifier"),
                                        new SecretPlace(
                                                rs.getString("tenant_id"), "oauth_states", "code_verifier", hash))
                                .reveal(),
                        rs.getString("redirect_uri"),
                        instant(rs, "expires_at")))
                .optional();
    }

    /** Every authorization started for the connection ends: suspended, reconnected, or a new client. */
    int deleteFor(Connection c) {
        return jdbc.sql("DELETE FROM oauth_states WHERE connection_id = :id AND tenant_id = :tenant")
                .param("id", c.id())
                .param("tenant", c.tenantId())
                .update();
    }

    /** Deletes up to {@code limit} states that expired before {@code now}; returns how many. */
    int purgeExpired(Instant now, int limit) {
        return jdbc.sql("""
                DELETE FROM oauth_states WHERE state_hash IN
                    (SELECT state_hash FROM oauth_states WHERE expires_at < :now ORDER BY expires_at LIMIT :limit)
                """).param("now", ts(now)).param("limit", limit).update();
    }
}
