package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.Operation;
import dev.switchboard.connections.Connection.State;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The OAuth authorization: a single-use state bound to the connection and its OAuth client, the
 * provider's consent page, the callback that exchanges the code (outside any transaction), and the
 * client-credentials grant that needs no user.
 */
@Component
class OAuthFlow {

    private final ConnectionRepository connections;
    private final OAuthStates states;
    private final Catalog catalog;
    private final OAuthClient oauth;
    private final Transitions transitions;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    OAuthFlow(
            ConnectionRepository connections,
            OAuthStates states,
            Catalog catalog,
            OAuthClient oauth,
            Transitions transitions,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.connections = connections;
        this.states = states;
        this.catalog = catalog;
        this.oauth = oauth;
        this.transitions = transitions;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    /** Starts an authorization: a single-use state bound to the connection, and the provider's URL. */
    URI authorize(Connection c, URI redirectUri) {
        Provider p = catalog.require(c.provider());
        if (!p.oauth() || p.authorizationUrl() == null) {
            throw new ApiException(ErrorCode.INVALID_STATE, "This provider has no authorization step.");
        }
        Transitions.require(c, Operation.AUTHORIZE);
        if (c.oauthClientId() == null) throw ApiException.invalid("oauth", "set the OAuth client first");
        String state = Ids.randomToken(32);
        String verifier = OAuthClient.newVerifier();
        Instant now = Sql.now(clock);
        states.insert(hash(state), c, verifier, redirectUri.toString(), now.plus(properties.stateTtl()));
        var scopes = c.scopes().isEmpty() && p.defaultScopes() != null ? p.defaultScopes() : c.scopes();
        return OAuthClient.authorizationUrl(p, c.oauthClientId(), redirectUri, scopes, state, verifier);
    }

    /**
     * The provider sent the browser back: exchange the code, store the tokens, and the connection is
     * active. Only for a connection still waiting for this authorization ({@code pending_auth}) with
     * the OAuth client the state was issued for.
     */
    Connection callback(String state, String code, String error) {
        Instant now = Sql.now(clock);
        var pending = state == null ? Optional.<OAuthStates.PendingAuth>empty() : states.consume(hash(state), now);
        if (pending.isEmpty()) {
            throw new ApiException(ErrorCode.OAUTH_STATE_INVALID, "This authorization is unknown or was already used.");
        }
        var auth = pending.get();
        if (!now.isBefore(auth.expiresAt())) {
            throw new ApiException(ErrorCode.OAUTH_STATE_INVALID, "This authorization expired; start it again.");
        }
        Connection c = connections
                .find(auth.tenantId(), auth.connectionId())
                .orElseThrow(() -> ApiException.notFound("connection"));
        if (!c.state().allows(Operation.COMPLETE_AUTHORIZATION)
                || c.oauthClientId() == null
                || !c.oauthClientId().equals(auth.oauthClientId())) {
            throw new ApiException(
                    ErrorCode.OAUTH_STATE_INVALID,
                    "This authorization no longer applies: the connection is "
                            + c.state().wire() + " or its OAuth client changed; start it again.");
        }
        if (error != null || code == null) {
            String why = "the user or provider declined: " + (error == null ? "no code" : clip(error, 100));
            tx.executeWithoutResult(s -> transitions.move(c, c.state(), why, now));
            throw new ApiException(ErrorCode.OAUTH_FAILED, "The provider did not authorize: " + clip(why, 200));
        }
        Provider p = catalog.require(c.provider());
        Connection.Secrets secrets = connections.secrets(c);
        OAuthClient.Tokens tokens;
        try {
            tokens = oauth.exchange(
                    c,
                    p,
                    c.oauthClientId(),
                    secrets.clientSecret(),
                    code,
                    URI.create(auth.redirectUri()),
                    auth.verifier(),
                    now);
        } catch (OAuthClient.Failure f) {
            tx.executeWithoutResult(s -> transitions.move(c, State.ERROR, f.getMessage(), now));
            throw new ApiException(ErrorCode.OAUTH_FAILED, "Exchanging the code failed: " + f.getMessage());
        }
        activate(c, tokens, now);
        return connections.find(c.tenantId(), c.id()).orElseThrow();
    }

    /** The client-credentials grant: no user, a token straight away. */
    void clientCredentials(Connection c, Instant now) {
        Provider p = catalog.require(c.provider());
        Connection.Secrets secrets = connections.secrets(c);
        try {
            activate(c, oauth.clientCredentials(c, p, c.oauthClientId(), secrets.clientSecret(), c.scopes(), now), now);
        } catch (OAuthClient.Failure f) {
            tx.executeWithoutResult(s -> transitions.move(c, State.ERROR, f.getMessage(), now));
        }
    }

    /** Tokens stored and the connection active, only if nobody moved it meanwhile (then a 409). */
    private void activate(Connection c, OAuthClient.Tokens tokens, Instant now) {
        tx.executeWithoutResult(s -> {
            transitions.moveOrConflict(c, State.ACTIVE, null, now);
            connections.storeTokens(
                    c,
                    null,
                    tokens.accessToken(),
                    tokens.refreshToken(),
                    tokens.expiresAt(),
                    tokens.expiresAt().minus(properties.refreshAhead()),
                    now);
        });
    }

    static String hash(String state) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String clip(String s, int max) {
        return HealthChecks.clip(s, max);
    }
}
