package dev.switchboard.connections;

import dev.switchboard.common.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Everything a provider definition must satisfy before it is stored, with the JSON path of each
 * problem: an operator's definition is used by every tenant's connections later, so a hole here
 * (a null credential field, an auth field naming nothing) would surface as their errors, not his.
 */
final class ProviderCheck {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    private static final Pattern URL = Pattern.compile("https?://[^\\s]{1,2000}");
    private static final Pattern PATH = Pattern.compile("/[^\\s]{0,2000}");

    private final List<FieldError> errors = new ArrayList<>();

    private ProviderCheck() {}

    static List<FieldError> problems(Provider p) {
        ProviderCheck c = new ProviderCheck();
        c.check(p);
        return List.copyOf(c.errors);
    }

    private void fail(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    private void check(Provider p) {
        if (p.key() == null || !KEY.matcher(p.key()).matches()) {
            fail("key", "must be 1 to 64 lower-case letters, digits and '-'");
        }
        if (p.name() == null || p.name().isBlank() || p.name().length() > 200) {
            fail("name", "must be 1 to 200 characters");
        }
        if (p.category() == null || !Provider.CATEGORIES.contains(p.category()))
            fail("category", "must be one of " + Provider.CATEGORIES);
        if (p.authType() == null) fail("authType", "must be one of oauth2, api_key, basic, none");
        url("authorizationUrl", p.authorizationUrl());
        url("tokenUrl", p.tokenUrl());
        url("apiBaseUrl", p.apiBaseUrl());
        url("docsUrl", p.docsUrl());
        if (p.oauth() && p.tokenUrl() == null) fail("tokenUrl", "is required for oauth2");
        strings("defaultScopes", p.defaultScopes(), 50, 200);
        Set<String> credentials = fields("credentialFields", fieldNames(p.credentialFields()));
        fields("configFields", fieldNames(p.configFields()));
        if (p.authType() != null
                && p.authType().takesCredentials()
                && (p.credentialFields() == null || p.credentialFields().isEmpty())) {
            fail("credentialFields", "are required for " + p.authType().wire());
        }
        if (p.authType() != null) auth(p, credentials);
        map("headers", p.headers(), true);
        map("authorizationParams", p.authorizationParams(), false);
        if (p.healthCheck() != null) healthCheck(p);
        if (p.rateLimits() != null) {
            rateLimits("rateLimits", p.rateLimits());
            if (p.rateLimits().test() != null) {
                if (p.rateLimits().test().test() != null) fail("rateLimits.test.test", "is not allowed");
                rateLimits("rateLimits.test", p.rateLimits().test());
            }
        }
        if (p.idempotencyHeader() != null && !p.idempotencyHeader().matches("[A-Za-z0-9-]{1,64}")) {
            fail("idempotencyHeader", "must be 1 to 64 letters, digits or '-'");
        }
        if (p.webhookScheme() != null && !p.webhookScheme().matches("[A-Za-z0-9_-]{1,64}")) {
            fail("webhookScheme", "must be 1 to 64 letters, digits, '_' or '-'");
        }
    }

    private void rateLimits(String path, Provider.RateLimits r) {
        Integer[] values = r.rates();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && values[i] < 1)
                fail(path + "." + Provider.RateLimits.NAMES[i], "must be at least 1");
        }
        if (r.burst() != null && r.burst() < 1) fail(path + ".burst", "must be at least 1");
        if (r.source() != null && r.source().length() > 500) fail(path + ".source", "must be at most 500 characters");
    }

    /** The names of a field list, null for a null entry; the whole list null when absent. */
    private static List<String> fieldNames(List<?> fields) {
        if (fields == null) return null;
        List<String> names = new ArrayList<>();
        for (Object f : fields) {
            names.add(
                    f instanceof Provider.CredentialField c
                            ? nonNull(c.name())
                            : f instanceof Provider.ConfigField c ? nonNull(c.name()) : null);
        }
        return names;
    }

    private static String nonNull(String name) {
        return name == null ? "" : name;
    }

    private Set<String> fields(String path, List<String> names) {
        Set<String> seen = new HashSet<>();
        if (names == null) return seen;
        if (names.size() > 20) fail(path, "must have at most 20 entries");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null) {
                fail(path + "[" + i + "]", "must be an object with a name");
            } else if (!FIELD_NAME.matcher(name).matches()) {
                fail(path + "[" + i + "].name", "must be 1 to 64 letters, digits or '_'");
            } else if (!seen.add(name)) {
                fail(path + "[" + i + "].name", "is a duplicate");
            }
        }
        return seen;
    }

    private void auth(Provider p, Set<String> credentials) {
        JsonNode auth = p.auth();
        switch (p.authType()) {
            case BASIC -> {
                if (auth == null || !auth.isObject()) {
                    fail("auth", "needs usernameField and passwordField for basic");
                    return;
                }
                for (String f : List.of("usernameField", "passwordField")) {
                    JsonNode v = auth.get(f);
                    if (v == null || !v.isString() || !credentials.contains(v.asString())) {
                        fail("auth." + f, "must name one of the credentialFields");
                    }
                }
            }
            case API_KEY, OAUTH2 -> {
                if (auth == null || auth.isNull()) {
                    if (p.authType() == Provider.AuthType.API_KEY) fail("auth", "is required for api_key");
                    return;
                }
                if (!auth.isObject()) {
                    fail("auth", "must be an object");
                    return;
                }
                String in = text(auth, "in", "header");
                if (in == null || !List.of("header", "query", "body").contains(in)) {
                    fail("auth.in", "must be header, query or body");
                    return;
                }
                String name = text(auth, "name", "Authorization");
                if (name == null || !HEADER_NAME.matcher(name).matches()) {
                    fail("auth.name", "must be a header or parameter name of at most 100 characters");
                }
                String prefix = text(auth, "prefix", "");
                if (prefix == null || prefix.length() > 100 || prefix.contains("\r") || prefix.contains("\n")) {
                    fail("auth.prefix", "must be text of at most 100 characters on one line");
                }
                if (p.authType() == Provider.AuthType.OAUTH2) return;
                if (in.equals("body")) {
                    JsonNode fields = auth.get("fields");
                    if (fields == null || !fields.isArray() || fields.isEmpty()) {
                        fail("auth.fields", "must list credentialFields");
                        return;
                    }
                    for (int i = 0; i < fields.size(); i++) {
                        if (!fields.get(i).isString()
                                || !credentials.contains(fields.get(i).asString())) {
                            fail("auth.fields[" + i + "]", "must name one of the credentialFields");
                        }
                    }
                } else if (!credentials.contains(text(auth, "field", ""))) {
                    fail("auth.field", "must name one of the credentialFields");
                }
            }
            case NONE -> {
                // nothing is applied
            }
        }
    }

    /** A string member, {@code absent} when missing, null when present but not a string. */
    private static String text(JsonNode node, String field, String absent) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return absent;
        return v.isString() ? v.asString() : null;
    }

    private void healthCheck(Provider p) {
        var h = p.healthCheck();
        if (h.method() == null || !h.method().matches("GET|POST|HEAD")) {
            fail("healthCheck.method", "must be GET, POST or HEAD");
        }
        if (h.path() == null || !PATH.matcher(h.path()).matches()) {
            fail("healthCheck.path", "must start with / and have no spaces");
        }
        if (h.expect() == null || h.expect().isEmpty()) {
            fail("healthCheck.expect", "must list the statuses that mean the credentials work");
        } else {
            for (int i = 0; i < h.expect().size(); i++) {
                Integer code = h.expect().get(i);
                if (code == null || code < 100 || code > 599) {
                    fail("healthCheck.expect[" + i + "]", "must be an HTTP status (100 to 599)");
                }
            }
        }
        if (h.expectBody() != null) {
            for (var e : h.expectBody().entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().length() > 200) {
                    fail("healthCheck.expectBody", "field names must be 1 to 200 characters");
                }
            }
        }
        if (p.apiBaseUrl() == null) fail("apiBaseUrl", "is required for a health check");
    }

    private void url(String field, String url) {
        if (url != null && !URL.matcher(url).matches()) fail(field, "must be an http(s) URL");
    }

    private void strings(String path, List<String> values, int max, int maxLength) {
        if (values == null) return;
        if (values.size() > max) fail(path, "must have at most " + max + " entries");
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isBlank() || v.length() > maxLength) {
                fail(path + "[" + i + "]", "must be 1 to " + maxLength + " characters");
            }
        }
    }

    private void map(String path, Map<String, String> values, boolean headers) {
        if (values == null) return;
        if (values.size() > 50) fail(path, "must have at most 50 entries");
        for (var e : values.entrySet()) {
            String key = e.getKey();
            if (key == null || (headers ? !HEADER_NAME.matcher(key).matches() : key.isBlank() || key.length() > 200)) {
                fail(path, "has a name that is not valid: " + Text.quoted(key));
                continue;
            }
            String v = e.getValue();
            if (v == null || v.length() > 2000 || v.contains("\r") || v.contains("\n")) {
                fail(path + "." + key, "must be text of at most 2000 characters on one line");
            }
        }
    }

    /** Caller text inside a message: cut short, and never a control character. */
    private static final class Text {
        static String quoted(String s) {
            if (s == null) return "null";
            String cut = s.length() > 50 ? s.substring(0, 50) + "…" : s;
            return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
        }
    }
}
