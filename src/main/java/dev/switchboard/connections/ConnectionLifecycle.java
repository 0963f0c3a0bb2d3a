package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.Operation;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.connections.ConnectionController.CreateConnection;
import dev.switchboard.connections.ConnectionController.UpdateConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The use cases of a connection's life: connect, change, suspend, resume, reconnect, disconnect.
 * The state each one leads to is decided here; whether the move is legal, by {@link Connection.State};
 * the write and its event, by {@link Transitions}. Calls to the provider (credentials tried, tokens
 * fetched) happen before or after the transaction, never inside it.
 */
@Component
class ConnectionLifecycle {

    private final ConnectionRepository connections;
    private final HealthRepository healthRecords;
    private final OAuthStates states;
    private final Catalog catalog;
    private final Transitions transitions;
    private final ConnectionInput input;
    private final HealthChecks health;
    private final OAuthFlow oauth;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    ConnectionLifecycle(
            ConnectionRepository connections,
            HealthRepository healthRecords,
            OAuthStates states,
            Catalog catalog,
            Transitions transitions,
            ConnectionInput input,
            HealthChecks health,
            OAuthFlow oauth,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.connections = connections;
        this.healthRecords = healthRecords;
        this.states = states;
        this.catalog = catalog;
        this.transitions = transitions;
        this.input = input;
        this.health = health;
        this.oauth = oauth;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    Connection find(String tenant, String id) {
        return connections.find(tenant, id).orElseThrow(() -> ApiException.notFound("connection"));
    }

    /** A tenant's newest connections, one more than the limit when there are more. */
    List<Connection> list(String tenant, int limit) {
        return connections.page(tenant, null, null, null, new dev.switchboard.common.PageRequest(limit, null));
    }

    /** Connects: credentials are tried with the provider's health request first, when it has one. */
    Connection create(String tenant, CreateConnection body) {
        Provider p = catalog.find(body.provider())
                .orElseThrow(() -> ApiException.invalid("provider", "is not in the catalog"));
        Map<String, String> config = input.config(body.config());
        Map<String, String> credentials =
                body.credentials() == null ? Map.of() : ConnectionInput.credentials(p, body.credentials());
        if (body.oauth() != null && !p.oauth()) throw ApiException.invalid("oauth", "this provider does not use OAuth");
        if (body.oauth() != null) input.scopes(body.oauth().scopes());
        Instant now = Sql.now(clock);
        State state = switch (p.authType()) {
            case NONE -> State.ACTIVE;
            case OAUTH2 -> body.oauth() == null ? State.NOT_CONFIGURED : State.PENDING_AUTH;
            case API_KEY, BASIC -> credentials.isEmpty() ? State.NOT_CONFIGURED : State.ACTIVE;
        };
        Connection c = Connection.builder()
                .id(Ids.next("con"))
                .tenantId(tenant)
                .provider(p.key())
                .name(body.name())
                .environment(body.environment() == null ? "live" : body.environment())
                .state(state)
                .config(config)
                .credentialHints(ConnectionInput.hints(p, credentials))
                .oauthClient(
                        body.oauth() == null ? null : body.oauth().clientId(),
                        body.oauth() == null || body.oauth().scopes() == null
                                ? List.of()
                                : List.copyOf(body.oauth().scopes()))
                .activity(state == State.ACTIVE ? now : null, null, null)
                .times(now, now)
                .storeCallBodies(body.callLog() != null
                        && Boolean.TRUE.equals(body.callLog().storeBodies()))
                .build();
        Connection.Secrets secrets = new Connection.Secrets(
                credentials, body.oauth() == null ? null : body.oauth().clientSecret(), null, null);
        HealthResult probe = null;
        if (!credentials.isEmpty() && p.healthCheck() != null) {
            probe = health.probe(p, c, secrets);
            ConnectionInput.rejectIfRefused(probe);
        }
        HealthResult checked = probe;
        tx.executeWithoutResult(s -> {
            connections.insert(c, secrets);
            if (state == State.ACTIVE) transitions.created(c, now);
            if (checked != null) {
                healthRecords.recordHealth(c, null, checked, now.plus(properties.checkInterval()), now);
            }
        });
        if (state == State.PENDING_AUTH && p.clientCredentials()) oauth.clientCredentials(c, now);
        return find(tenant, c.id());
    }

    /** Renames, reconfigures, or replaces credentials or the OAuth client (which ends authorizations started). */
    Connection update(String tenant, String id, UpdateConnection body) {
        Connection c = find(tenant, id);
        Provider p = catalog.require(c.provider());
        Map<String, String> config = body.config() == null ? null : input.config(body.config());
        if (body.oauth() != null && !p.oauth()) throw ApiException.invalid("oauth", "this provider does not use OAuth");
        if (body.oauth() != null) input.scopes(body.oauth().scopes());
        Map<String, String> credentials = null;
        if (body.credentials() != null) {
            if (!p.authType().takesCredentials()) {
                throw ApiException.invalid(
                        "credentials",
                        "this provider takes no credentials (" + p.authType().wire() + ")");
            }
            credentials = input.triedCredentials(p, c, body.credentials());
        }
        Map<String, String> newCredentials = credentials;
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            connections.rename(c, body.name(), config, now);
            if (body.callLog() != null && body.callLog().storeBodies() != null) {
                connections.storeCallBodies(c, body.callLog().storeBodies(), now);
            }
            if (newCredentials != null) {
                connections.setCredentials(c, newCredentials, ConnectionInput.hints(p, newCredentials), now);
                if (c.state() == State.NOT_CONFIGURED || c.state() == State.ERROR)
                    transitions.moveOrConflict(c, State.ACTIVE, null, now);
            }
            if (body.oauth() != null) {
                var o = body.oauth();
                connections.setOAuthClient(
                        c,
                        o.clientId(),
                        o.clientSecret(),
                        o.scopes() == null ? List.of() : List.copyOf(o.scopes()),
                        now);
                states.deleteFor(c);
                if (c.state() == State.NOT_CONFIGURED) transitions.moveOrConflict(c, State.PENDING_AUTH, null, now);
            }
        });
        return find(tenant, id);
    }

    void delete(String tenant, String id) {
        Connection c = find(tenant, id);
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            if (connections.delete(tenant, id)) transitions.disconnected(c, now);
        });
    }

    Connection suspend(String tenant, String id) {
        Connection c = find(tenant, id);
        Transitions.require(c, Operation.SUSPEND);
        tx.executeWithoutResult(
                s -> transitions.moveOrConflict(c, State.SUSPENDED, "suspended through the API", Sql.now(clock)));
        return find(tenant, id);
    }

    /** Back to where it can be: active if it has what it needs, else waiting for it. */
    Connection resume(String tenant, String id) {
        Connection c = find(tenant, id);
        Transitions.require(c, Operation.RESUME);
        Provider p = catalog.require(c.provider());
        State to = switch (p.authType()) {
            case NONE -> State.ACTIVE;
            case OAUTH2 ->
                c.hasAccessToken()
                        ? State.ACTIVE
                        : c.oauthClientId() != null ? State.PENDING_AUTH : State.NOT_CONFIGURED;
            case API_KEY, BASIC -> c.credentialHints().isEmpty() ? State.NOT_CONFIGURED : State.ACTIVE;
        };
        tx.executeWithoutResult(s -> transitions.moveOrConflict(c, to, null, Sql.now(clock)));
        return find(tenant, id);
    }

    /** OAuth connections authorize again (earlier authorizations end); others take new credentials. */
    Connection reconnect(String tenant, String id, Map<String, String> sentCredentials) {
        Connection c = find(tenant, id);
        Transitions.require(c, Operation.RECONNECT);
        Provider p = catalog.require(c.provider());
        Instant now = Sql.now(clock);
        switch (p.authType()) {
            case OAUTH2 -> {
                tx.executeWithoutResult(s -> {
                    transitions.moveOrConflict(c, State.PENDING_AUTH, null, now);
                    connections.clearTokens(c, now);
                    states.deleteFor(c);
                });
                if (p.clientCredentials()) oauth.clientCredentials(find(tenant, id), now);
            }
            case NONE -> tx.executeWithoutResult(s -> transitions.moveOrConflict(c, State.ACTIVE, null, now));
            case API_KEY, BASIC -> {
                if (sentCredentials == null) throw ApiException.invalid("credentials", "are required to reconnect");
                Map<String, String> credentials = input.triedCredentials(p, c, sentCredentials);
                tx.executeWithoutResult(s -> {
                    transitions.moveOrConflict(c, State.ACTIVE, null, now);
                    connections.setCredentials(c, credentials, ConnectionInput.hints(p, credentials), now);
                });
            }
        }
        return find(tenant, id);
    }
}
