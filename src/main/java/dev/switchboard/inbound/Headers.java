package dev.switchboard.inbound;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/** Request headers as stored: lower-case names, credentials and signatures replaced by "[redacted]". */
final class Headers {

    static final String REDACTED = "[redacted]";
    private static final Set<String> ALWAYS =
            Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");
    private static final int MAX_JSON = 16_000;

    private Headers() {}

    static Map<String, String> redacted(Map<String, List<String>> headers, Collection<String> secretHeaders) {
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            boolean secret = ALWAYS.contains(n) || secretHeaders.contains(n);
            out.put(n, secret ? REDACTED : String.join(", ", values));
        });
        return out;
    }

    /** JSON for the headers column; if a sender's headers are huge, the longest values are cut, never the row refused. */
    static String toJson(JsonMapper json, Map<String, String> headers) {
        String s = json.writeValueAsString(headers);
        if (s.length() <= MAX_JSON) return s;
        Map<String, String> cut = new TreeMap<>();
        int budget = MAX_JSON / Math.max(1, headers.size()) - 16;
        headers.forEach((k, v) -> cut.put(
                k.length() > 100 ? k.substring(0, 100) : k,
                v.length() > Math.max(budget, 8) ? v.substring(0, Math.max(budget, 8)) + "…" : v));
        s = json.writeValueAsString(cut);
        return s.length() <= MAX_JSON ? s : "{\"_truncated\":\"headers too large to store\"}";
    }
}
