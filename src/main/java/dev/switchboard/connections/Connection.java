package dev.switchboard.connections;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's connection to a provider, as stored, without its secrets: those (credentials, OAuth
 * client secret, tokens) are vault ciphertexts read only by {@link ConnectionRepository#secrets}.
 * Built with {@link #builder()}, never positionally.
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
        Health health,
        Instant healthCheckedAt,
        Instant connectedAt,
        Instant lastActivityAt,
        String lastError,
        Instant createdAt,
        Instant updatedAt,
        boolean storeCallBodies) {

    /**
     * The lifecycle: not_configured → pending_auth → active → error | suspended, and back. The legal
     * moves, and the operations each state allows, are the two tables below and nowhere else.
     */
    enum State {
        NOT_CONFIGURED,
        PENDING_AUTH,
        ACTIVE,
        ERROR,
        SUSPENDED;

        private static final Map<State, Set<State>> MOVES = new EnumMap<>(State.class);
        private static final Map<Operation, Set<State>> ALLOWS = new EnumMap<>(Operation.class);

        static {
            // A move to the same state records a new error (or none) without an event.
            MOVES.put(NOT_CONFIGURED, EnumSet.of(PENDING_AUTH, ACTIVE));
            MOVES.put(PENDING_AUTH, EnumSet.of(PENDING_AUTH, ACTIVE, ERROR, SUSPENDED));
            MOVES.put(ACTIVE, EnumSet.of(PENDING_AUTH, ACTIVE, ERROR, SUSPENDED));
            MOVES.put(ERROR, EnumSet.of(PENDING_AUTH, ACTIVE, ERROR, SUSPENDED));
            MOVES.put(SUSPENDED, EnumSet.of(NOT_CONFIGURED, PENDING_AUTH, ACTIVE));

            ALLOWS.put(Operation.SUSPEND, EnumSet.of(PENDING_AUTH, ACTIVE, ERROR));
            ALLOWS.put(Operation.RESUME, EnumSet.of(SUSPENDED));
            ALLOWS.put(Operation.RECONNECT, EnumSet.of(PENDING_AUTH, ACTIVE, ERROR, SUSPENDED));
            ALLOWS.put(Operation.AUTHORIZE, EnumSet.of(PENDING_AUTH));
            ALLOWS.put(Operation.COMPLETE_AUTHORIZATION, EnumSet.of(PENDING_AUTH));
            ALLOWS.put(Operation.REFRESH, EnumSet.of(ACTIVE, ERROR));
            ALLOWS.put(Operation.CHECK, EnumSet.of(ACTIVE, ERROR));
            ALLOWS.put(Operation.USE, EnumSet.of(ACTIVE));
        }

        boolean canMoveTo(State to) {
            return MOVES.get(this).contains(to);
        }

        boolean allows(Operation operation) {
            return ALLOWS.get(operation).contains(this);
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** What a caller may ask of a connection; {@link State#allows} says in which states. */
    enum Operation {
        SUSPEND,
        RESUME,
        RECONNECT,
        AUTHORIZE,
        COMPLETE_AUTHORIZATION,
        REFRESH,
        CHECK,
        USE;

        String verb() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The last health check's verdict: {@code degraded} is slow or throttled, {@code down} failed. */
    enum Health {
        UNKNOWN,
        HEALTHY,
        DEGRADED,
        DOWN;

        @JsonValue
        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Health of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** Its secrets, decrypted. */
    record Secrets(Map<String, String> credentials, String clientSecret, String accessToken, String refreshToken) {
        @Override
        public String toString() {
            return "Secrets[redacted]";
        }
    }

    static Builder builder() {
        return new Builder();
    }

    /** Named fields for the 23 columns; unset ones are empty (no tokens, health unknown). */
    static final class Builder {
        private String id;
        private String tenantId;
        private String provider;
        private String name;
        private String environment = "live";
        private State state;
        private Map<String, String> config = Map.of();
        private Map<String, String> credentialHints = Map.of();
        private String oauthClientId;
        private List<String> scopes = List.of();
        private boolean hasAccessToken;
        private boolean hasRefreshToken;
        private Instant tokenExpiresAt;
        private int refreshFailures;
        private Instant nextRefreshAt;
        private Health health = Health.UNKNOWN;
        private Instant healthCheckedAt;
        private Instant connectedAt;
        private Instant lastActivityAt;
        private String lastError;
        private Instant createdAt;
        private Instant updatedAt;
        private boolean storeCallBodies;

        Builder id(String v) {
            id = v;
            return this;
        }

        Builder tenantId(String v) {
            tenantId = v;
            return this;
        }

        Builder provider(String v) {
            provider = v;
            return this;
        }

        Builder name(String v) {
            name = v;
            return this;
        }

        Builder environment(String v) {
            environment = v;
            return this;
        }

        Builder state(State v) {
            state = v;
            return this;
        }

        Builder config(Map<String, String> v) {
            config = v;
            return this;
        }

        Builder credentialHints(Map<String, String> v) {
            credentialHints = v;
            return this;
        }

        Builder oauthClient(String clientId, List<String> v) {
            oauthClientId = clientId;
            scopes = v;
            return this;
        }

        Builder tokens(boolean access, boolean refresh, Instant expiresAt, int failures, Instant nextRefresh) {
            hasAccessToken = access;
            hasRefreshToken = refresh;
            tokenExpiresAt = expiresAt;
            refreshFailures = failures;
            nextRefreshAt = nextRefresh;
            return this;
        }

        Builder health(Health v, Instant checkedAt) {
            health = v;
            healthCheckedAt = checkedAt;
            return this;
        }

        Builder activity(Instant connected, Instant lastActivity, String error) {
            connectedAt = connected;
            lastActivityAt = lastActivity;
            lastError = error;
            return this;
        }

        Builder times(Instant created, Instant updated) {
            createdAt = created;
            updatedAt = updated;
            return this;
        }

        /** Whether the call log keeps this connection's request and response bodies (redacted). */
        Builder storeCallBodies(boolean v) {
            storeCallBodies = v;
            return this;
        }

        Connection build() {
            return new Connection(
                    id,
                    tenantId,
                    provider,
                    name,
                    environment,
                    state,
                    config,
                    credentialHints,
                    oauthClientId,
                    scopes,
                    hasAccessToken,
                    hasRefreshToken,
                    tokenExpiresAt,
                    refreshFailures,
                    nextRefreshAt,
                    health,
                    healthCheckedAt,
                    connectedAt,
                    lastActivityAt,
                    lastError,
                    createdAt,
                    updatedAt,
                    storeCallBodies);
        }
    }
}
