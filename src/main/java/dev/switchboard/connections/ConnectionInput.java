package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.vault.Secret;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** What a tenant sends for a connection, checked: config, credentials (tried with the provider), scopes. */
@Component
class ConnectionInput {

    private final UrlGuard guard;
    private final HealthChecks health;
    private final JsonMapper json;

    ConnectionInput(UrlGuards guards, HealthChecks health, JsonMapper json) {
        this.guard = guards.tenant(); // a connection's config.baseUrl is the tenant's
        this.health = health;
        this.json = json;
    }

    /** Credentials checked for shape, then tried with the provider's health request (422 if refused). */
    Map<String, String> triedCredentials(Provider p, Connection c, Map<String, String> sent) {
        Map<String, String> credentials = credentials(p, sent);
        if (p.healthCheck() != null) {
            rejectIfRefused(health.probe(p, c, new Connection.Secrets(credentials, null, null, null)));
        }
        return credentials;
    }

    /** 401 or 403 from the provider's health request: the credentials are wrong, and nothing is stored. */
    static void rejectIfRefused(HealthResult probe) {
        if (probe.statusCode() != null && (probe.statusCode() == 401 || probe.statusCode() == 403)) {
            throw new ApiException(
                    ErrorCode.CREDENTIALS_REJECTED,
                    "The provider answered HTTP " + probe.statusCode()
                            + " to its health request with these credentials.");
        }
    }

    static Map<String, String> credentials(Provider p, Map<String, String> sent) {
        if (!p.authType().takesCredentials() && !sent.isEmpty()) {
            throw ApiException.invalid(
                    "credentials",
                    "this provider takes no credentials (" + p.authType().wire() + ")");
        }
        Set<String> known = new HashSet<>();
        if (p.credentialFields() != null) p.credentialFields().forEach(f -> known.add(f.name()));
        for (var e : sent.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw ApiException.invalid(
                        "credentials." + e.getKey(), "is not a credential of this provider " + known);
            }
            if (e.getValue() == null || e.getValue().isBlank() || e.getValue().length() > 4000) {
                throw ApiException.invalid("credentials." + e.getKey(), "must be 1 to 4000 characters");
            }
        }
        for (String field : known) {
            if (!sent.containsKey(field)) throw ApiException.invalid("credentials." + field, "is required");
        }
        return Map.copyOf(sent);
    }

    static Map<String, String> hints(Provider p, Map<String, String> credentials) {
        Map<String, String> hints = new LinkedHashMap<>();
        if (p.credentialFields() == null) return hints;
        for (Provider.CredentialField f : p.credentialFields()) {
            String v = credentials.get(f.name());
            // Non-secret values are shown in full, up to a length the hints column holds for 20 fields.
            if (v != null) hints.put(f.name(), f.secret() ? Secret.of(v).hint() : HealthChecks.clip(v, 100));
        }
        return hints;
    }

    void scopes(List<String> scopes) {
        if (scopes != null && json.writeValueAsString(scopes).length() > 2000) {
            throw ApiException.invalid("oauth.scopes", "must be at most 2000 characters together");
        }
    }

    Map<String, String> config(Map<String, String> config) {
        if (config == null) return Map.of();
        for (var e : config.entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9_]{1,64}"))
                throw ApiException.invalid("config." + e.getKey(), "is not a setting name");
            if (e.getValue() == null || e.getValue().length() > 2000) {
                throw ApiException.invalid("config." + e.getKey(), "must be at most 2000 characters");
            }
        }
        if (json.writeValueAsString(config).length() > 8000) {
            throw ApiException.invalid("config", "must be at most 8000 characters as JSON");
        }
        if (config.containsKey("baseUrl")) {
            try {
                guard.check(config.get("baseUrl"));
            } catch (BlockedDestinationException e) {
                throw ApiException.invalid("config.baseUrl", "is not allowed: " + e.getMessage());
            }
        }
        return Map.copyOf(config);
    }
}
