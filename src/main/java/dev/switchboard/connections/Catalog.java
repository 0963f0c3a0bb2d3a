package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider catalog: the built-in providers from the versioned {@code providers/catalog.json}
 * in the jar, plus those operators add (stored, so every node sees them). A built-in key cannot be
 * taken over by an operator's provider.
 */
@Component
class Catalog {

    record Versioned(int version, List<Provider> providers) {}

    private final Map<String, Provider> builtIn = new LinkedHashMap<>();
    private final int version;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    Catalog(JdbcClient jdbc, JsonMapper json, Clock clock) throws IOException {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        try (InputStream in = Catalog.class.getResourceAsStream("/providers/catalog.json")) {
            Versioned file = json.readValue(in, Versioned.class);
            for (Provider p : file.providers()) {
                check(p);
                builtIn.put(p.key(), p);
            }
            this.version = file.version();
        }
    }

    int version() {
        return version;
    }

    boolean builtIn(String key) {
        return builtIn.containsKey(key);
    }

    Optional<Provider> find(String key) {
        Provider p = builtIn.get(key);
        if (p != null) return Optional.of(p);
        return jdbc.sql("SELECT definition FROM custom_providers WHERE provider_key = :key")
                .param("key", key)
                .query(String.class)
                .optional()
                .map(d -> json.readValue(d, Provider.class));
    }

    Provider require(String key) {
        return find(key).orElseThrow(() -> ApiException.notFound("provider"));
    }

    List<Provider> all() {
        List<Provider> all = new ArrayList<>(builtIn.values());
        jdbc.sql("SELECT definition FROM custom_providers ORDER BY provider_key")
                .query(String.class)
                .list()
                .forEach(d -> all.add(json.readValue(d, Provider.class)));
        all.sort(Comparator.comparing(Provider::key));
        return all;
    }

    /** Adds an operator's provider; 409 when the key is taken. */
    void add(Provider p) {
        check(p);
        String definition = json.writeValueAsString(p);
        if (definition.length() > 20_000) {
            throw ApiException.invalid("provider", "must be at most 20000 characters as JSON");
        }
        if (builtIn(p.key())) throw ApiException.conflict("'" + p.key() + "' is a built-in provider.");
        try {
            jdbc.sql("INSERT INTO custom_providers (provider_key, definition, created_at) VALUES (:key, :d, :now)")
                    .param("key", p.key())
                    .param("d", definition)
                    .param("now", Sql.ts(Sql.now(clock)))
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("The provider '" + p.key() + "' already exists.");
        }
    }

    boolean remove(String key) {
        return jdbc.sql("DELETE FROM custom_providers WHERE provider_key = :key")
                        .param("key", key)
                        .update()
                == 1;
    }

    /** What every provider definition must satisfy, built-in or not. */
    static void check(Provider p) {
        if (p.key() == null || !p.key().matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw ApiException.invalid("key", "must be 1 to 64 lower-case letters, digits and '-'");
        }
        if (p.name() == null || p.name().isBlank() || p.name().length() > 200) {
            throw ApiException.invalid("name", "must be 1 to 200 characters");
        }
        if (!Provider.CATEGORIES.contains(p.category())) {
            throw ApiException.invalid("category", "must be one of " + Provider.CATEGORIES);
        }
        if (!Provider.AUTH_TYPES.contains(p.authType())) {
            throw ApiException.invalid("authType", "must be one of " + Provider.AUTH_TYPES);
        }
        if (p.oauth() && p.tokenUrl() == null) throw ApiException.invalid("tokenUrl", "is required for oauth2");
        for (String url : new String[] {p.authorizationUrl(), p.tokenUrl(), p.apiBaseUrl()}) {
            if (url != null && !url.matches("https?://[^\\s]{1,2000}")) {
                throw ApiException.invalid("url", "must be an http(s) URL: " + url);
            }
        }
        if (p.healthCheck() != null) {
            var h = p.healthCheck();
            if (h.method() == null || !h.method().matches("GET|POST|HEAD")) {
                throw ApiException.invalid("healthCheck.method", "must be GET, POST or HEAD");
            }
            if (h.path() == null
                    || !h.path().startsWith("/")
                    || h.expect() == null
                    || h.expect().isEmpty()) {
                throw ApiException.invalid("healthCheck", "needs a path starting with / and expected statuses");
            }
            if (p.apiBaseUrl() == null) throw ApiException.invalid("apiBaseUrl", "is required for a health check");
        }
        if ((p.authType().equals("api_key") || p.authType().equals("basic"))
                && (p.credentialFields() == null || p.credentialFields().isEmpty())) {
            throw ApiException.invalid("credentialFields", "are required for " + p.authType());
        }
        JsonNode auth = p.auth();
        if (p.authType().equals("basic")
                && (auth == null || !auth.has("usernameField") || !auth.has("passwordField"))) {
            throw ApiException.invalid("auth", "needs usernameField and passwordField for basic");
        }
    }
}
