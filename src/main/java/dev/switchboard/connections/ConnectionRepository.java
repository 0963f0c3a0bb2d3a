package dev.switchboard.connections;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.PageRequest;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class ConnectionRepository {

    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Vault vault;
    private final RowMapper<Connection> row;
    private final Cache<Sealed, Connection.Secrets> opened = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    private final ConnectionsInUse inUse;

    ConnectionRepository(
            JdbcClient jdbc, JsonMapper json, Vault vault, ConnectionsProperties properties, java.time.Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.vault = vault;
        this.inUse = new ConnectionsInUse(properties.inUseCacheTtl(), clock);
        this.row = (rs, n) -> Connection.builder()
                .id(rs.getString("id"))
                .tenantId(rs.getString("tenant_id"))
                .provider(rs.getString("provider"))
                .name(rs.getString("name"))
                .environment(rs.getString("environment"))
                .state(Connection.State.of(rs.getString("state")))
                .config(json.readValue(rs.getString("config"), MAP))
                .credentialHints(
                        rs.getString("credential_hints") == null
                                ? Map.of()
                                : json.readValue(rs.getString("credential_hints"), MAP))
                .oauthClient(
                        rs.getString("oauth_client_id"),
                        rs.getString("scopes") == null ? List.of() : json.readValue(rs.getString("scopes"), LIST))
                .tokens(
                        rs.getBytes("access_token") != null,
                        rs.getBytes("refresh_token") != null,
                        instant(rs, "token_expires_at"),
                        rs.getInt("refresh_failures"),
                        instant(rs, "next_refresh_at"))
                .health(Connection.Health.of(rs.getString("health")), instant(rs, "health_checked_at"))
                .activity(instant(rs, "connected_at"), instant(rs, "last_activity_at"), rs.getString("last_error"))
                .times(instant(rs, "created_at"), instant(rs, "updated_at"))
                .storeCallBodies(rs.getBoolean("store_call_bodies"))
                .build();
    }

    void insert(Connection c, Connection.Secrets secrets) {
        jdbc.sql("""
                INSERT INTO connections (id, tenant_id, provider, name, environment, state, config, credentials,
                    credential_hints, oauth_client_id, oauth_client_secret, scopes, refresh_failures, health,
                    next_check_at, connected_at, created_at, updated_at, store_call_bodies)
                VALUES (:id, :tenant, :provider, :name, :env, :state, :config, :credentials, :hints, :clientId,
                    :clientSecret, :scopes, 0, :health, :nextCheck, :connected, :now, :now, :storeBodies)
                """)
                .param("id", c.id())
                .param("tenant", c.tenantId())
                .param("provider", c.provider())
                .param("name", c.name())
                .param("env", c.environment())
                .param("state", c.state().wire())
                .param("config", json.writeValueAsString(c.config()))
                .param("credentials", sealMap(c.tenantId(), c.id(), secrets.credentials()))
                .param("hints", c.credentialHints().isEmpty() ? null : json.writeValueAsString(c.credentialHints()))
                .param("clientId", c.oauthClientId())
                .param("clientSecret", seal(c.tenantId(), c.id(), "oauth_client_secret", secrets.clientSecret()))
                .param("scopes", json.writeValueAsString(c.scopes()))
                .param("health", c.health().wire())
                .param("nextCheck", ts(c.createdAt()))
                .param("connected", ts(c.connectedAt()))
                .param("now", ts(c.createdAt()))
                .param("storeBodies", c.storeCallBodies())
                .update();
    }

    Optional<Connection> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM connections WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(row)
                .optional();
    }

    /** A connection with its credentials opened, from one read of its row. */
    record InUse(Connection connection, Connection.Secrets secrets) {}

    /**
     * What {@link #find} returns, and the row's secrets opened, in one statement: for each call made
     * with the connection (proxy, outbox). The plaintext is kept in memory for a minute, keyed by the
     * row's ciphertexts themselves: new credentials, a refreshed token or a changed client secret are
     * new ciphertexts (fresh nonces), so a rotation is used from the next call on, on every node,
     * with no invalidation to miss. Never logged ({@link Connection.Secrets} redacts itself).
     *
     * <p>The whole answer is kept for a second or so ({@link ConnectionsInUse}): every change made
     * through this repository forgets it on this node; other nodes see a change within that time.
     */
    Optional<InUse> findInUse(String tenantId, String id) {
        return inUse.get(tenantId, id, () -> readInUse(tenantId, id));
    }

    /** As {@link #findInUse}, read from the database now (the opened secrets still come from memory). */
    Optional<InUse> findInUseNow(String tenantId, String id) {
        return readInUse(tenantId, id);
    }

    private Optional<InUse> readInUse(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM connections WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, n) -> {
                    Connection c = row.mapRow(rs, n);
                    Sealed sealed = new Sealed(
                            c.tenantId(),
                            c.id(),
                            wrap(rs.getBytes("credentials")),
                            wrap(rs.getBytes("oauth_client_secret")),
                            wrap(rs.getBytes("access_token")),
                            wrap(rs.getBytes("refresh_token")));
                    return new InUse(c, opened.get(sealed, this::open));
                })
                .optional();
    }

    /** A row's ciphertexts, equal by content (a {@link ByteBuffer}'s equality), and where they belong. */
    private record Sealed(
            String tenantId,
            String id,
            ByteBuffer credentials,
            ByteBuffer clientSecret,
            ByteBuffer accessToken,
            ByteBuffer refreshToken) {}

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) return null;
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private Connection.Secrets open(Sealed s) {
        return new Connection.Secrets(
                unsealMap(s.tenantId(), s.id(), bytes(s.credentials())),
                unseal(s.tenantId(), s.id(), "oauth_client_secret", bytes(s.clientSecret())),
                unseal(s.tenantId(), s.id(), "access_token", bytes(s.accessToken())),
                unseal(s.tenantId(), s.id(), "refresh_token", bytes(s.refreshToken())));
    }

    Optional<Connection> findById(String id) {
        return jdbc.sql("SELECT * FROM connections WHERE id = :id")
                .param("id", id)
                .query(row)
                .optional();
    }

    List<Connection> page(
            String tenantId, String provider, List<String> providersOfCategory, String state, PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("SELECT * FROM connections WHERE tenant_id = :tenant");
        p.put("tenant", tenantId);
        if (provider != null) {
            where.append(" AND provider = :provider");
            p.put("provider", provider);
        }
        if (providersOfCategory != null) {
            if (providersOfCategory.isEmpty()) return List.of();
            where.append(" AND provider IN (:providers)");
            p.put("providers", providersOfCategory);
        }
        if (state != null) {
            where.append(" AND state = :state");
            p.put("state", state);
        }
        return page.select(jdbc, where.toString(), "created_at")
                .params(p)
                .query(row)
                .list();
    }

    Connection.Secrets secrets(Connection c) {
        return jdbc.sql(
                        "SELECT credentials, oauth_client_secret, access_token, refresh_token FROM connections WHERE id = :id")
                .param("id", c.id())
                .query((rs, n) -> new Connection.Secrets(
                        unsealMap(c.tenantId(), c.id(), rs.getBytes("credentials")),
                        unseal(c.tenantId(), c.id(), "oauth_client_secret", rs.getBytes("oauth_client_secret")),
                        unseal(c.tenantId(), c.id(), "access_token", rs.getBytes("access_token")),
                        unseal(c.tenantId(), c.id(), "refresh_token", rs.getBytes("refresh_token"))))
                .single();
    }

    /**
     * Moves the connection from {@code from} to {@code to}, only if it is still in {@code from}:
     * false when another request or node changed it meanwhile (nothing written).
     */
    boolean transition(Connection c, Connection.State from, Connection.State to, String error, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        return jdbc.sql("""
                        UPDATE connections SET state = :to, last_error = :error,
                            connected_at = CASE WHEN :active THEN COALESCE(connected_at, :now) ELSE connected_at END,
                            updated_at = :now
                        WHERE id = :id AND tenant_id = :tenant AND state = :from
                        """)
                        .param("id", c.id())
                        .param("tenant", c.tenantId())
                        .param("from", from.wire())
                        .param("to", to.wire())
                        .param("error", error)
                        .param("active", to == Connection.State.ACTIVE)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    void rename(Connection c, String name, Map<String, String> config, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        jdbc.sql("""
                UPDATE connections SET name = COALESCE(:name, name), config = COALESCE(:config, config), updated_at = :now
                WHERE id = :id
                """)
                .param("id", c.id())
                .param("name", name)
                .param("config", config == null ? null : json.writeValueAsString(config))
                .param("now", ts(now))
                .update();
    }

    /** Whether the call log keeps the connection's bodies from now on. */
    void storeCallBodies(Connection c, boolean store, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        jdbc.sql("UPDATE connections SET store_call_bodies = :store, updated_at = :now WHERE id = :id")
                .param("id", c.id())
                .param("store", store)
                .param("now", ts(now))
                .update();
    }

    /** New credentials replace the old ones (and any tokens). */
    void setCredentials(Connection c, Map<String, String> credentials, Map<String, String> hints, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        jdbc.sql("""
                UPDATE connections SET credentials = :credentials, credential_hints = :hints, updated_at = :now
                WHERE id = :id
                """)
                .param("id", c.id())
                .param("credentials", sealMap(c.tenantId(), c.id(), credentials))
                .param("hints", json.writeValueAsString(hints))
                .param("now", ts(now))
                .update();
    }

    void setOAuthClient(Connection c, String clientId, String clientSecret, List<String> scopes, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        jdbc.sql("""
                UPDATE connections SET oauth_client_id = :clientId, oauth_client_secret = :secret, scopes = :scopes,
                    updated_at = :now
                WHERE id = :id
                """)
                .param("id", c.id())
                .param("clientId", clientId)
                .param("secret", seal(c.tenantId(), c.id(), "oauth_client_secret", clientSecret))
                .param("scopes", json.writeValueAsString(scopes))
                .param("now", ts(now))
                .update();
    }

    /**
     * Stores tokens from the provider. A response without a refresh token keeps the one we have:
     * providers that do not rotate refresh tokens omit it, and dropping it would end the connection.
     * With a {@code claim}, only while this refresh still holds it (false: another node took over);
     * the claim is released.
     */
    boolean storeTokens(
            Connection c,
            String claim,
            String accessToken,
            String refreshToken,
            Instant expiresAt,
            Instant nextRefresh,
            Instant now) {
        inUse.forget(c.tenantId(), c.id());
        return jdbc.sql("""
                        UPDATE connections SET access_token = :access,
                            refresh_token = CASE WHEN :keep THEN refresh_token ELSE :refresh END,
                            token_expires_at = :expires, next_refresh_at = :next, refresh_failures = 0,
                            refresh_claim = NULL, refresh_claimed_until = NULL,
                            last_activity_at = :now, updated_at = :now
                        WHERE id = :id AND tenant_id = :tenant
                        """ + (claim == null ? "" : " AND refresh_claim = :claim"))
                        .param("id", c.id())
                        .param("tenant", c.tenantId())
                        .param("access", seal(c.tenantId(), c.id(), "access_token", accessToken))
                        .param("keep", refreshToken == null)
                        .param("refresh", seal(c.tenantId(), c.id(), "refresh_token", refreshToken))
                        .param("expires", ts(expiresAt))
                        .param("next", ts(nextRefresh))
                        .param("now", ts(now))
                        .params(claim == null ? Map.of() : Map.of("claim", claim))
                        .update()
                == 1;
    }

    void clearTokens(Connection c, Instant now) {
        inUse.forget(c.tenantId(), c.id());
        jdbc.sql("""
                UPDATE connections SET access_token = NULL, refresh_token = NULL, token_expires_at = NULL,
                    next_refresh_at = NULL, refresh_failures = 0, updated_at = :now
                WHERE id = :id
                """).param("id", c.id()).param("now", ts(now)).update();
    }

    /**
     * Active connections of active tenants whose token is due for a refresh and not being refreshed,
     * oldest due first.
     */
    List<Connection> dueForRefresh(Instant now, int limit) {
        return jdbc.sql("""
                SELECT * FROM connections WHERE state = 'active' AND refresh_token IS NOT NULL
                AND next_refresh_at <= :now
                AND (refresh_claimed_until IS NULL OR refresh_claimed_until <= :now)
                AND tenant_id IN (SELECT id FROM tenants WHERE status = 'active')
                ORDER BY next_refresh_at LIMIT :limit
                """)
                .param("now", ts(now))
                .param("limit", limit)
                .query(row)
                .list();
    }

    List<Connection> findAll(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT * FROM connections WHERE id IN (:ids)")
                .param("ids", ids)
                .query(row)
                .list();
    }

    /** Disconnects: the row, its secrets, states and history are gone. */
    boolean delete(String tenantId, String id) {
        inUse.forget(tenantId, id);
        jdbc.sql("DELETE FROM oauth_states WHERE connection_id = :id AND tenant_id = :tenant")
                .param("id", id)
                .param("tenant", tenantId)
                .update();
        jdbc.sql("DELETE FROM connection_health WHERE connection_id = :id AND tenant_id = :tenant")
                .param("id", id)
                .param("tenant", tenantId)
                .update();
        return jdbc.sql("DELETE FROM connections WHERE tenant_id = :tenant AND id = :id")
                        .param("tenant", tenantId)
                        .param("id", id)
                        .update()
                == 1;
    }

    // Sealing

    private byte[] seal(String tenantId, String id, String column, String value) {
        return value == null
                ? null
                : vault.encrypt(Secret.of(value), new SecretPlace(tenantId, "connections", column, id));
    }

    private String unseal(String tenantId, String id, String column, byte[] ciphertext) {
        return ciphertext == null
                ? null
                : vault.decrypt(ciphertext, new SecretPlace(tenantId, "connections", column, id))
                        .reveal();
    }

    private byte[] sealMap(String tenantId, String id, Map<String, String> map) {
        return map == null || map.isEmpty() ? null : seal(tenantId, id, "credentials", json.writeValueAsString(map));
    }

    private Map<String, String> unsealMap(String tenantId, String id, byte[] ciphertext) {
        String text = unseal(tenantId, id, "credentials", ciphertext);
        return text == null ? Map.of() : json.readValue(text, MAP);
    }

    /** The tenant's connections counted for the dashboard's stat cards; see {@link ConnectionCounts}. */
    ConnectionCounts.Summary countsForTenant(String tenantId) {
        return jdbc.sql("""
                        SELECT count(*) AS total,
                               COALESCE(SUM(CASE WHEN state = :active THEN 1 ELSE 0 END), 0) AS active,
                               COALESCE(SUM(CASE WHEN state = :error THEN 1 ELSE 0 END), 0) AS error
                        FROM connections WHERE tenant_id = :tenant
                        """)
                .param("tenant", tenantId)
                .param("active", Connection.State.ACTIVE.wire())
                .param("error", Connection.State.ERROR.wire())
                .query((rs, n) ->
                        new ConnectionCounts.Summary(rs.getLong("total"), rs.getLong("active"), rs.getLong("error")))
                .single();
    }

    interface CountSink {
        void accept(String provider, String state, String health, long n);
    }

    /** A tenant's connections counted by provider, state and health: one aggregate, no secrets read. */
    void countsByProviderStateHealth(String tenantId, CountSink sink) {
        jdbc.sql("""
                        SELECT provider, state, health, count(*) AS n FROM connections WHERE tenant_id = :tenant
                        GROUP BY provider, state, health
                        """).param("tenant", tenantId).query(rs -> {
            sink.accept(rs.getString("provider"), rs.getString("state"), rs.getString("health"), rs.getLong("n"));
        });
    }

    /** Moves {@code last_activity_at} forward to {@code at} (never back: calls finish out of order). */
    void touch(String tenantId, String id, Instant at) {
        jdbc.sql("""
                        UPDATE connections SET last_activity_at = :at
                        WHERE id = :id AND tenant_id = :tenant AND (last_activity_at IS NULL OR last_activity_at < :at)
                        """)
                .param("id", id)
                .param("tenant", tenantId)
                .param("at", ts(at))
                .update();
    }
}
