package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Timestamps;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The checks a queued call passes before it is stored; each failure is a 400 naming its field (a
 * body over the limit is a 413). The path is the heart of it: it is appended to the connection's
 * base URL, so nothing in it may leave that base — no scheme or host, no {@code //}, no dot
 * segments (encoded or not), no encoded slash or backslash, no {@code @}, no control characters.
 */
final class OutboxInput {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    static final int MIN_PRIORITY = 0;
    static final int MAX_PRIORITY = 9;
    static final int DEFAULT_PRIORITY = 5;
    static final int DEFAULT_MAX_ATTEMPTS = 8;
    static final int MAX_ATTEMPTS = 25;
    static final int MAX_HEADERS = 50;
    static final int MAX_METADATA = 20;

    /** RFC 3986 {@code pchar} without {@code @} (refused: callers percent-encode it), plus {@code /}. */
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:/%]*");

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    /** Encoded characters that would change how the provider splits or reads the path. */
    private static final Set<String> REFUSED_ESCAPES = Set.of("2f", "5c", "7f");

    private OutboxInput() {}

    /** A call as the caller asked for it; {@code body} null for none. */
    record NewRequest(
            String method,
            String path,
            String query,
            Map<String, List<String>> headers,
            byte[] body,
            boolean bodyJson) {}

    /** The rest of a job's settings, checked. */
    record Settings(int priority, int maxAttempts, Instant notBefore, Instant deadline, Map<String, String> metadata) {}

    static String method(String method) {
        if (method == null || !METHODS.contains(method)) {
            throw ApiException.invalid("request.method", "must be one of GET, POST, PUT, PATCH, DELETE");
        }
        return method;
    }

    /** Returns the path as given, or refuses it. */
    static String path(String path) {
        String field = "request.path";
        if (path == null || path.isEmpty()) throw ApiException.invalid(field, "is required");
        if (path.length() > 2000) throw ApiException.invalid(field, "must be at most 2000 characters");
        if (!path.startsWith("/")) {
            throw ApiException.invalid(field, "must start with '/': it is relative to the connection's API base URL");
        }
        if (path.startsWith("//")) throw ApiException.invalid(field, "must not start with '//'");
        for (char c : path.toCharArray()) {
            if (c < 0x20 || c == 0x7f) throw ApiException.invalid(field, "must not contain control characters");
            if (c == '\\') throw ApiException.invalid(field, "must not contain backslashes");
            if (c == '@') throw ApiException.invalid(field, "must not contain '@' (percent-encode it as %40)");
            if (c == '?' || c == '#')
                throw ApiException.invalid(field, "must not contain '?' or '#': use request.query");
        }
        if (!PATH_CHARS.matcher(path).matches()) {
            throw ApiException.invalid(field, "may hold only URL path characters; percent-encode the others");
        }
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || !hex(path.charAt(i + 1)) || !hex(path.charAt(i + 2))) {
                throw ApiException.invalid(field, "has a '%' that is not a percent-encoded byte");
            }
            String escape = path.substring(i + 1, i + 3).toLowerCase(Locale.ROOT);
            // An encoded slash or backslash is a second path separator to some servers and proxies.
            if (REFUSED_ESCAPES.contains(escape) || Integer.parseInt(escape, 16) < 0x20) {
                throw ApiException.invalid(field, "must not contain the encoded character %" + escape);
            }
        }
        for (String segment : path.split("/", -1)) {
            String decoded = segment.replaceAll("(?i)%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                throw ApiException.invalid(field, "must not contain '.' or '..' segments");
            }
        }
        return path;
    }

    /** A query as a JSON object of names to a value or a list of values, encoded here; or null. */
    static String query(JsonNode query) {
        if (absent(query)) return null;
        String field = "request.query";
        if (!query.isObject()) throw ApiException.invalid(field, "must be an object of names to values");
        List<String> pairs = new ArrayList<>();
        for (var e : query.properties()) {
            if (e.getKey().isEmpty()) throw ApiException.invalid(field, "names must not be empty");
            for (String v : strings(e.getValue(), field + "." + e.getKey())) {
                pairs.add(encode(e.getKey()) + "=" + encode(v));
            }
        }
        String q = String.join("&", pairs);
        if (q.length() > 4000) throw ApiException.invalid(field, "must be at most 4000 characters encoded");
        return q.isEmpty() ? null : q;
    }

    static Map<String, List<String>> headers(JsonNode headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (absent(headers)) return out;
        String field = "request.headers";
        if (!headers.isObject()) throw ApiException.invalid(field, "must be an object of names to values");
        for (var e : headers.properties()) {
            String name = e.getKey();
            if (!HEADER_NAME.matcher(name).matches()) throw ApiException.invalid(field, "has an invalid header name");
            if (ProviderCalls.STRIPPED.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalid(
                        field + "." + name, "is set by Switchboard (credentials come from the connection)");
            }
            List<String> values = strings(e.getValue(), field + "." + name);
            for (String v : values) {
                if (v.length() > 4000 || v.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c > 0x7e)) {
                    throw ApiException.invalid(field + "." + name, "must be at most 4000 printable ASCII characters");
                }
            }
            out.put(name, values);
        }
        if (out.size() > MAX_HEADERS) throw ApiException.invalid(field, "at most " + MAX_HEADERS + " headers");
        return out;
    }

    /**
     * The body to send: a JSON string is sent as its text (form-encoded, XML…), any other JSON value
     * as JSON. Over {@code maxBytes} it is a 413.
     */
    static NewRequest withBody(NewRequest r, JsonNode body, int maxBytes, tools.jackson.databind.json.JsonMapper json) {
        if (absent(body)) return r;
        boolean isJson = !body.isString();
        byte[] bytes = isJson ? json.writeValueAsBytes(body) : body.asString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new ApiException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "The request body of a job may be at most " + maxBytes + " bytes.");
        }
        return new NewRequest(r.method(), r.path(), r.query(), r.headers(), bytes, isJson);
    }

    static Settings settings(
            Integer priority, Integer maxAttempts, String notBefore, String deadline, JsonNode metadata, Instant now) {
        int p = priority == null ? DEFAULT_PRIORITY : priority;
        if (p < MIN_PRIORITY || p > MAX_PRIORITY) throw ApiException.invalid("priority", "must be between 0 and 9");
        int m = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        if (m < 1 || m > MAX_ATTEMPTS) {
            throw ApiException.invalid("maxAttempts", "must be between 1 and " + MAX_ATTEMPTS);
        }
        Instant nb = Timestamps.parse("notBefore", notBefore);
        Instant dl = Timestamps.parse("deadline", deadline);
        if (dl != null && !dl.isAfter(nb != null && nb.isAfter(now) ? nb : now)) {
            throw ApiException.invalid("deadline", "must be after now and after notBefore");
        }
        return new Settings(p, m, nb, dl, metadata(metadata));
    }

    static Map<String, String> metadata(JsonNode metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        if (absent(metadata)) return out;
        if (!metadata.isObject()) throw ApiException.invalid("metadata", "must be an object of names to strings");
        for (var e : metadata.properties()) {
            String name = e.getKey();
            if (name.isEmpty() || name.length() > 64 || !e.getValue().isString()) {
                throw ApiException.invalid("metadata", "names must be 1 to 64 characters and values strings");
            }
            String v = e.getValue().asString();
            if (v.length() > 500 || v.indexOf('\0') >= 0) {
                throw ApiException.invalid("metadata." + name, "must be at most 500 characters");
            }
            out.put(name, v);
        }
        if (out.size() > MAX_METADATA) {
            throw ApiException.invalid("metadata", "at most " + MAX_METADATA + " entries");
        }
        return out;
    }

    static String idempotencyKey(String key) {
        if (key == null) return null;
        if (key.isBlank() || key.length() > 200 || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw ApiException.invalid("idempotencyKey", "must be 1 to 200 printable ASCII characters, no spaces");
        }
        return key;
    }

    private static List<String> strings(JsonNode v, String field) {
        if (v.isString()) return List.of(v.asString());
        if (v.isArray() && !v.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isString()) throw ApiException.invalid(field, "must be a string or a list of strings");
                out.add(x.asString());
            }
            return out;
        }
        throw ApiException.invalid(field, "must be a string or a list of strings");
    }

    private static String encode(String s) {
        if (s.indexOf('\0') >= 0) throw ApiException.invalid("request.query", "must not contain NUL");
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }
}
