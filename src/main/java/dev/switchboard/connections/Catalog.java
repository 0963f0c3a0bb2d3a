package dev.switchboard.connections;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.FieldError;
import dev.switchboard.common.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
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
    /**
     * Operators' providers this node read lately, parsed: every connection's call and read needs its
     * provider. A definition never changes in place (there is no update; remove, then add); removing
     * or adding one here is seen here at once, on other nodes within {@link #CUSTOM_TTL}. Only found
     * ones are kept: a provider added on another node is found on the next read.
     */
    private final Cache<String, Provider> custom = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(CUSTOM_TTL)
            .build();

    private final AtomicLong generation = new AtomicLong();

    static final Duration CUSTOM_TTL = Duration.ofSeconds(10);

    Catalog(JdbcClient jdbc, JsonMapper json, Clock clock) throws IOException {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        try (InputStream in = Catalog.class.getResourceAsStream("/providers/catalog.json")) {
            Versioned file = json.readValue(in, Versioned.class);
            for (Provider p : file.providers()) {
                var problems = ProviderCheck.problems(p);
                if (!problems.isEmpty()) {
                    throw new IllegalStateException("The built-in provider " + p.key() + " is not valid: " + problems);
                }
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
        Provider known = custom.getIfPresent(key);
        if (known != null) return Optional.of(known);
        long before = generation.get();
        var found = jdbc.sql("SELECT definition FROM custom_providers WHERE provider_key = :key")
                .param("key", key)
                .query(String.class)
                .optional()
                .map(d -> json.readValue(d, Provider.class));
        found.ifPresent(f -> {
            if (generation.get() == before) custom.put(key, f);
        });
        return found;
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
        forget(p.key());
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

    /**
     * Removes an operator's provider unless a connection still uses it: its connections would be
     * stranded (every change to them needs the definition). One statement, so a connection made
     * between a check and the delete cannot slip through unnoticed on one node's read.
     */
    boolean remove(String key) {
        int removed = jdbc.sql("""
                        DELETE FROM custom_providers WHERE provider_key = :key
                        AND NOT EXISTS (SELECT 1 FROM connections WHERE provider = :key)
                        """).param("key", key).update();
        forget(key);
        if (removed == 1) return true;
        if (find(key).isEmpty()) return false;
        long using = jdbc.sql("SELECT count(*) FROM connections WHERE provider = :key")
                .param("key", key)
                .query(Long.class)
                .single();
        throw new ApiException(
                ErrorCode.PROVIDER_IN_USE,
                using + " connection(s) use the provider '" + key + "'; disconnect them first.");
    }

    private void forget(String key) {
        generation.incrementAndGet();
        custom.invalidate(key);
    }

    /** What every provider definition must satisfy, built-in or not: every problem, with its path. */
    static void check(Provider p) {
        List<FieldError> errors = ProviderCheck.problems(p);
        if (!errors.isEmpty()) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "The provider definition is not valid.", errors);
        }
    }
}
