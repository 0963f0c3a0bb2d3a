package dev.switchboard.calllog;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the call log stores instead of what was sent: query parameters and JSON fields named like
 * secrets replaced by {@code REDACTED}, bodies capped. Names are matched generously (a harmless
 * parameter redacted costs a little insight; a secret kept costs a leak).
 */
final class Redaction {

    static final String REDACTED = "REDACTED";

    /** Bodies larger than this are not parsed (and so not stored): a cut JSON document cannot be redacted. */
    static final int MAX_PARSED_BYTES = 1024 * 1024;

    private Redaction() {}

    /**
     * True for a parameter or field name that may hold a secret: key, token, secret, password,
     * signature, auth, credential, session, cookie, private, and the bare {@code code} (OAuth) and
     * {@code sig}, in any case and with any separators ({@code api_key}, {@code X-Api-Key}, {@code hapikey}).
     */
    static boolean secretName(String name) {
        if (name == null) return false;
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (n.isEmpty()) return false;
        for (String word : WORDS) {
            if (n.contains(word)) return true;
        }
        return n.equals("code") || n.equals("sig") || n.endsWith("sig") || n.equals("otp") || n.equals("pin");
    }

    private static final String[] WORDS = {
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "signature",
        "auth",
        "credential",
        "session",
        "cookie",
        "private",
        "jwt",
        "bearer",
        "nonce"
    };

    /**
     * The path as stored: the fragment dropped, and in the query the value of every parameter named
     * like a secret replaced. An absolute URL keeps only its path and query (its user info could
     * hold a password).
     */
    static String path(String pathAndQuery) {
        if (pathAndQuery == null || pathAndQuery.isEmpty()) return "/";
        String s = pathAndQuery;
        int scheme = s.indexOf("://");
        if (scheme > 0 && scheme < s.indexOf('/')) {
            int slash = s.indexOf('/', scheme + 3);
            s = slash < 0 ? "/" : s.substring(slash);
        }
        int hash = s.indexOf('#');
        if (hash >= 0) s = s.substring(0, hash);
        int q = s.indexOf('?');
        if (q < 0) return s;
        return s.substring(0, q + 1) + form(s.substring(q + 1));
    }

    /** A query string or form body with the values of secret-named parameters replaced. */
    static String form(String query) {
        java.util.StringJoiner out = new java.util.StringJoiner("&");
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String decoded;
            try {
                decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                decoded = name;
            }
            out.add(eq >= 0 && secretName(decoded) ? name + "=" + REDACTED : pair);
        }
        return out.toString();
    }

    /**
     * A body as stored, or null when none was passed: JSON with secret-named fields (at any depth)
     * replaced, a form with secret-named parameters replaced, other text as is, binary not at all;
     * then cut to {@code maxChars}.
     */
    static String body(byte[] body, int maxChars, JsonMapper json) {
        if (body == null) return null;
        if (body.length == 0) return "";
        if (body.length > MAX_PARSED_BYTES) return "[" + body.length + " bytes, too large to redact: not stored]";
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException binary) {
            return "[" + body.length + " bytes of binary: not stored]";
        }
        String trimmed = text.strip();
        String redacted;
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode tree = json.readTree(trimmed);
                redactJson(tree);
                redacted = json.writeValueAsString(tree);
            } catch (RuntimeException notJson) {
                // Looks like JSON but is not: a secret could sit anywhere in it, so keep none of it.
                return "[" + body.length + " bytes of malformed JSON: not stored]";
            }
        } else if (!trimmed.contains(" ") && !trimmed.contains("\n") && trimmed.contains("=")) {
            redacted = form(trimmed);
        } else {
            redacted = text;
        }
        redacted = redacted.replace('\0', '\uFFFD');
        return redacted.length() <= maxChars ? redacted : redacted.substring(0, maxChars) + "…[truncated]";
    }

    private static void redactJson(JsonNode node) {
        if (node instanceof ObjectNode o) {
            java.util.List<String> secrets = new java.util.ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                if (secretName(e.getKey()) && !e.getValue().isNull()) secrets.add(e.getKey());
                else redactJson(e.getValue());
            }
            for (String name : secrets) o.put(name, REDACTED);
        } else if (node instanceof ArrayNode a) {
            for (JsonNode child : a) redactJson(child);
        }
    }
}
