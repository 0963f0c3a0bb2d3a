package dev.switchboard.connections;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A provider Switchboard knows how to connect to: how it authenticates, where its API and OAuth
 * endpoints are, what a tenant supplies, how to tell that credentials work, and its published
 * rate limits. {@code apiBaseUrl} and health-check paths may hold {@code {placeholders}} naming a
 * non-secret credential or config field.
 *
 * @param authorizationParams extra parameters of the authorization request, e.g. Google's
 *     {@code access_type=offline} without which it issues no refresh token (may be absent)
 * @param auth how credentials are applied to a request: {@code {"in":"header"|"query","name",
 *     "prefix","field"}} for api_key and oauth2, {@code {"usernameField","passwordField"}} for basic
 * @param idempotencyHeader the request header the provider de-duplicates retries by (Stripe's
 *     {@code Idempotency-Key}); the gateway forwards an idempotency key only where one is declared
 */
record Provider(
        String key,
        String name,
        String category,
        AuthType authType,
        String authorizationUrl,
        String tokenUrl,
        List<String> defaultScopes,
        String apiBaseUrl,
        List<CredentialField> credentialFields,
        List<ConfigField> configFields,
        JsonNode auth,
        Map<String, String> headers,
        HealthCheck healthCheck,
        RateLimits rateLimits,
        String webhookScheme,
        String docsUrl,
        Map<String, String> authorizationParams,
        String idempotencyHeader) {

    /** How a provider authenticates, by its exact wire value (anything else is null, refused by the check). */
    enum AuthType {
        OAUTH2,
        API_KEY,
        BASIC,
        NONE;

        @JsonValue
        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @JsonCreator
        static AuthType of(String wire) {
            for (AuthType t : values()) if (t.wire().equals(wire)) return t;
            return null;
        }

        /** Whether a tenant supplies credentials (rather than OAuth tokens, or nothing). */
        boolean takesCredentials() {
            return this == API_KEY || this == BASIC;
        }
    }

    static final List<String> CATEGORIES = List.of(
            "payment",
            "shipping",
            "messaging",
            "email",
            "marketing",
            "social",
            "calendar",
            "identity",
            "infrastructure",
            "developer",
            "commerce",
            "other");

    record CredentialField(String name, String label, boolean secret) {}

    record ConfigField(String name, String label) {}

    /**
     * A cheap authenticated read; {@code expect} lists the statuses that mean "the credentials work".
     * {@code expectBody}, when set, names top-level JSON fields the answer must also carry with these
     * values: Slack answers 200 with {@code "ok": false} to a bad token.
     */
    record HealthCheck(String method, String path, List<Integer> expect, Map<String, JsonNode> expectBody) {}

    /**
     * The provider's published limits per connection (one account's credentials): a sustained rate per
     * window (null where none is published), {@code burst} the most calls at once in the shortest
     * window (default: its rate), {@code test} the limits of test-mode connections where they differ
     * (Stripe), {@code source} where the figures come from.
     */
    record RateLimits(
            Integer perSecond,
            Integer perMinute,
            Integer perHour,
            Integer perDay,
            Integer perMonth,
            Integer burst,
            RateLimits test,
            String source) {

        /** The limits for a connection in this environment ({@code live} or {@code test}). */
        RateLimits forEnvironment(String environment) {
            return "test".equals(environment) && test != null ? test : this;
        }

        Integer[] rates() {
            return new Integer[] {perSecond, perMinute, perHour, perDay, perMonth};
        }

        static final String[] NAMES = {"perSecond", "perMinute", "perHour", "perDay", "perMonth"};
    }

    boolean oauth() {
        return authType == AuthType.OAUTH2;
    }

    /** OAuth without a user's consent step: the client-credentials grant. */
    boolean clientCredentials() {
        return oauth() && authorizationUrl == null && tokenUrl != null;
    }
}
