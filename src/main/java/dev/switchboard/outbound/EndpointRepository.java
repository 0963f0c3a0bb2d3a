package dev.switchboard.outbound;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class EndpointRepository {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Vault vault;
    private final RowMapper<Endpoint> row;
    /**
     * Secrets opened for deliveries, by ciphertext and place: every delivery to an endpoint reads the
     * same sealed signing secret and headers, and opening them was a tenth of a delivery's CPU. A
     * rotation or an edit writes a new ciphertext, so it is a new key; nothing here is ever stale.
     */
    private final Cache<Sealed, Secret> opened = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    private record Sealed(SecretPlace place, ByteBuffer ciphertext) {}

    EndpointRepository(JdbcClient jdbc, JsonMapper json, Vault vault) {
        this.jdbc = jdbc;
        this.json = json;
        this.vault = vault;
        this.row = (rs, n) -> new Endpoint(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("url"),
                rs.getString("description"),
                json.readValue(rs.getString("event_types"), new TypeReference<List<String>>() {}),
                headerNames(rs.getString("headers")),
                rs.getString("filter"),
                (Integer) rs.getObject("rate_limit_per_second"),
                (Integer) rs.getObject("max_concurrency"),
                rs.getBoolean("ordered"),
                rs.getString("format"),
                Endpoint.Status.fromWire(rs.getString("status")),
                rs.getString("disabled_reason"),
                instant(rs, "previous_secret_expires_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    void insert(Endpoint e, Map<String, String> headers, Secret secret) {
        jdbc.sql("""
                INSERT INTO endpoints (id, tenant_id, url, description, event_types, headers, headers_sealed, filter,
                                       rate_limit_per_second, max_concurrency, ordered, format, status, disabled_reason,
                                       secret, created_at, updated_at)
                VALUES (:id, :tenant, :url, :description, :types, :headers, :sealed, :filter, :rate, :concurrency,
                        :ordered, :format, :status, :reason, :secret, :created, :updated)
                """)
                .param("id", e.id())
                .param("tenant", e.tenantId())
                .param("url", e.url())
                .param("description", e.description())
                .param("types", json.writeValueAsString(e.eventTypes()))
                .param("headers", json.writeValueAsString(List.copyOf(new java.util.TreeSet<>(headers.keySet()))))
                .param("sealed", seal(e.tenantId(), e.id(), headers))
                .param("filter", e.filter())
                .param("rate", e.rateLimitPerSecond())
                .param("concurrency", e.maxConcurrency())
                .param("ordered", e.ordered())
                .param("format", e.format())
                .param("status", e.status().wire())
                .param("reason", e.disabledReason())
                .param("secret", vault.encrypt(secret, place(e.tenantId(), e.id(), "secret")))
                .param("created", ts(e.createdAt()))
                .param("updated", ts(e.updatedAt()))
                .update();
    }

    Optional<Endpoint> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM endpoints WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'")
                .param("tenant", tenantId)
                .param("id", id)
                .query(row)
                .optional();
    }

    List<Endpoint> page(String tenantId, PageRequest page) {
        return page.select(
                        jdbc, "SELECT * FROM endpoints WHERE tenant_id = :tenant AND status <> 'deleted'", "created_at")
                .param("tenant", tenantId)
                .query(row)
                .list();
    }

    /** Endpoints that count against the tenant's limit: every one not deleted. */
    long countLive(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM endpoints WHERE tenant_id = :tenant AND status <> 'deleted'")
                .param("tenant", tenantId)
                .query(Long.class)
                .single();
    }

    /** Every endpoint a message of this type goes to: active ones, and disabled ones (whose deliveries wait). */
    List<Endpoint> subscribers(String tenantId, String eventType) {
        return subscribers(tenantId, eventType, null);
    }

    /** The same, with the endpoints that name the message's canonical type (an inbound event's; null: none). */
    List<Endpoint> subscribers(String tenantId, String eventType, String canonicalType) {
        return jdbc
                .sql("SELECT * FROM endpoints WHERE tenant_id = :tenant AND status <> 'deleted'")
                .param("tenant", tenantId)
                .query(row)
                .list()
                .stream()
                .filter(e -> e.subscribes(eventType)
                        || (canonicalType != null && e.eventTypes().contains(canonicalType)))
                .toList();
    }

    /** A change to an endpoint's settings; null fields stay as they are, {@code clear*} empties one. */
    record Change(
            String url,
            String description,
            List<String> eventTypes,
            Map<String, String> headers,
            String filter,
            boolean clearFilter,
            Integer rateLimitPerSecond,
            boolean clearRateLimit,
            Integer maxConcurrency,
            boolean clearMaxConcurrency,
            Boolean ordered,
            String format) {}

    boolean update(String tenantId, String id, Change c, Instant now) {
        return jdbc.sql("""
                        UPDATE endpoints SET url = COALESCE(:url, url), description = COALESCE(:description, description),
                            event_types = COALESCE(:types, event_types), headers = COALESCE(:headers, headers),
                            headers_sealed = CASE WHEN :setHeaders THEN :sealed ELSE headers_sealed END,
                            filter = CASE WHEN :clearFilter THEN NULL ELSE COALESCE(:filter, filter) END,
                            rate_limit_per_second = CASE WHEN :clearRate THEN NULL ELSE COALESCE(:rate, rate_limit_per_second) END,
                            max_concurrency = CASE WHEN :clearConcurrency THEN NULL ELSE COALESCE(:concurrency, max_concurrency) END,
                            ordered = COALESCE(:ordered, ordered), format = COALESCE(:format, format),
                            updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("url", c.url())
                        .param("description", c.description())
                        .param("types", c.eventTypes() == null ? null : json.writeValueAsString(c.eventTypes()))
                        .param(
                                "headers",
                                c.headers() == null
                                        ? null
                                        : json.writeValueAsString(List.copyOf(new java.util.TreeSet<>(
                                                c.headers().keySet()))))
                        .param("setHeaders", c.headers() != null)
                        .param("sealed", c.headers() == null ? null : seal(tenantId, id, c.headers()))
                        .param("filter", c.filter())
                        .param("clearFilter", c.clearFilter())
                        .param("rate", c.rateLimitPerSecond())
                        .param("clearRate", c.clearRateLimit())
                        .param("concurrency", c.maxConcurrency())
                        .param("clearConcurrency", c.clearMaxConcurrency())
                        .param("ordered", c.ordered())
                        .param("format", c.format())
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** An endpoint's static headers with their values. */
    Map<String, String> headers(String tenantId, String id) {
        return jdbc.sql("SELECT headers, headers_sealed FROM endpoints WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, n) -> headers(tenantId, id, rs.getString("headers"), rs.getBytes("headers_sealed")))
                .optional()
                .orElse(Map.of());
    }

    /** The static headers' values, from the vault. */
    Map<String, String> headers(String tenantId, String id, String headersColumn, byte[] sealed) {
        if (sealed == null) {
            // Endpoints created before V5 kept the map in plain text; it is sealed on their next update.
            return headersColumn != null && headersColumn.startsWith("{")
                    ? json.readValue(headersColumn, new TypeReference<Map<String, String>>() {})
                    : Map.of();
        }
        return json.readValue(
                open(sealed, place(tenantId, id, "headers_sealed")).reveal(),
                new TypeReference<Map<String, String>>() {});
    }

    /** A row whose {@code headers} column still holds the name → value map in plain text (before V5). */
    record PlainHeaders(String id, String tenantId, String column, boolean deleted) {
        @Override
        public String toString() {
            return "PlainHeaders[id=" + id + "]";
        }
    }

    List<PlainHeaders> plainHeaders(int limit) {
        return jdbc.sql("SELECT id, tenant_id, headers, status FROM endpoints WHERE headers LIKE '{%' LIMIT :limit")
                .param("limit", limit)
                .query((rs, n) -> new PlainHeaders(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("headers"),
                        "deleted".equals(rs.getString("status"))))
                .list();
    }

    /**
     * Moves plain-text header values into the vault, leaving only the names readable; a deleted
     * endpoint's values are dropped, as its delete would have. Fenced on the column as read, so a
     * concurrent update (which seals by itself) wins. False when the row changed meanwhile.
     */
    boolean sealPlainHeaders(PlainHeaders row) {
        Map<String, String> values = json.readValue(row.column(), new TypeReference<Map<String, String>>() {});
        return jdbc.sql("""
                        UPDATE endpoints SET headers = :names, headers_sealed = :sealed
                        WHERE id = :id AND headers = :old AND headers_sealed IS NULL
                        """)
                        .param("id", row.id())
                        .param("old", row.column())
                        .param("names", json.writeValueAsString(List.copyOf(new java.util.TreeSet<>(values.keySet()))))
                        .param("sealed", row.deleted() ? null : seal(row.tenantId(), row.id(), values))
                        .update()
                == 1;
    }

    private byte[] seal(String tenantId, String id, Map<String, String> headers) {
        if (headers.isEmpty()) return null;
        return vault.encrypt(Secret.of(json.writeValueAsString(headers)), place(tenantId, id, "headers_sealed"));
    }

    private List<String> headerNames(String column) {
        if (column == null) return List.of();
        if (column.startsWith("{")) {
            return List.copyOf(
                    new java.util.TreeSet<>(json.readValue(column, new TypeReference<Map<String, String>>() {})
                            .keySet()));
        }
        return json.readValue(column, new TypeReference<List<String>>() {});
    }

    /**
     * Disables or enables an endpoint, pausing or resuming its waiting deliveries in the same
     * statement order (call inside a transaction). Returns false when nothing changed.
     */
    boolean setEnabled(String tenantId, String id, boolean enabled, String reason, Instant now) {
        int n = jdbc.sql("""
                UPDATE endpoints SET status = :status, disabled_reason = :reason, updated_at = :now
                WHERE tenant_id = :tenant AND id = :id AND status = :from
                """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("status", enabled ? "active" : "disabled")
                .param("from", enabled ? "disabled" : "active")
                .param("reason", enabled ? null : reason)
                .param("now", ts(now))
                .update();
        if (n == 0) return false;
        jdbc.sql("""
                UPDATE deliveries SET status = :to, next_attempt_at = :next, locked_until = NULL, updated_at = :now
                WHERE endpoint_id = :id AND status = :from
                """)
                .param("id", id)
                .param("to", enabled ? "pending" : "paused")
                .param("from", enabled ? "paused" : "pending")
                .param("next", enabled ? ts(now) : null)
                .param("now", ts(now))
                .update();
        return true;
    }

    boolean delete(String tenantId, String id, Instant now) {
        return jdbc.sql("""
                        UPDATE endpoints SET status = 'deleted', secret = NULL, previous_secret = NULL, headers_sealed = NULL,
                            previous_secret_expires_at = NULL, updated_at = :now
                        WHERE tenant_id = :tenant AND id = :id AND status <> 'deleted'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** The current secret first, then the previous one while its grace period lasts. */
    List<Secret> signingSecrets(String tenantId, String id, Instant now) {
        return jdbc.sql(
                        "SELECT secret, previous_secret, previous_secret_expires_at FROM endpoints WHERE id = :id AND tenant_id = :tenant")
                .param("id", id)
                .param("tenant", tenantId)
                .query((rs, n) -> signingSecrets(
                        tenantId,
                        id,
                        rs.getBytes("secret"),
                        rs.getBytes("previous_secret"),
                        instant(rs, "previous_secret_expires_at"),
                        now))
                .optional()
                .orElse(List.of());
    }

    /** The same, from ciphertexts already read (the delivery engine reads them with the delivery). */
    List<Secret> signingSecrets(
            String tenantId, String id, byte[] current, byte[] previous, Instant previousUntil, Instant now) {
        List<Secret> secrets = new ArrayList<>(2);
        if (current != null) secrets.add(open(current, place(tenantId, id, "secret")));
        if (previous != null && previousUntil != null && now.isBefore(previousUntil)) {
            secrets.add(open(previous, place(tenantId, id, "previous_secret")));
        }
        return secrets;
    }

    /** Makes {@code next} the secret and keeps the current one valid until {@code previousUntil}. */
    void rotate(String tenantId, String id, Secret next, Instant previousUntil, Instant now) {
        Secret current = signingSecrets(tenantId, id, now).stream().findFirst().orElse(null);
        jdbc.sql("""
                UPDATE endpoints SET secret = :secret, previous_secret = :previous, previous_secret_expires_at = :until,
                    updated_at = :now
                WHERE tenant_id = :tenant AND id = :id
                """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("secret", vault.encrypt(next, place(tenantId, id, "secret")))
                .param(
                        "previous",
                        current == null ? null : vault.encrypt(current, place(tenantId, id, "previous_secret")))
                .param("until", current == null ? null : ts(previousUntil))
                .param("now", ts(now))
                .update();
    }

    private Secret open(byte[] ciphertext, SecretPlace place) {
        // A copy as the key: the caller's array is the row's, and a key must not change.
        return opened.get(
                new Sealed(place, ByteBuffer.wrap(ciphertext.clone())), k -> vault.decrypt(ciphertext, place));
    }

    private static SecretPlace place(String tenantId, String id, String column) {
        return new SecretPlace(tenantId, "endpoints", column, id);
    }

    /** Marks a failure; returns when the endpoint's current run of failures began. */
    Instant failing(String id, Instant now) {
        jdbc.sql("UPDATE endpoints SET failing_since = :now WHERE id = :id AND failing_since IS NULL")
                .param("id", id)
                .param("now", ts(now))
                .update();
        return jdbc.sql("SELECT failing_since FROM endpoints WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> instant(rs, "failing_since"))
                .single();
    }

    /** Any success ends a run of failures. */
    void succeeded(String id) {
        jdbc.sql("UPDATE endpoints SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
                .param("id", id)
                .update();
    }

    /** The tenant's endpoints counted for the dashboard's stat cards; see {@link EndpointCounts}. */
    EndpointCounts.Summary countsForTenant(String tenantId) {
        return jdbc.sql("""
                        SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active,
                               COALESCE(SUM(CASE WHEN status = 'disabled' THEN 1 ELSE 0 END), 0) AS disabled
                        FROM endpoints WHERE tenant_id = :tenant
                        """)
                .param("tenant", tenantId)
                .query((rs, n) -> new EndpointCounts.Summary(rs.getLong("active"), rs.getLong("disabled")))
                .single();
    }
}
