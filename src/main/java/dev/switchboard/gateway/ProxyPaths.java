package dev.switchboard.gateway;

import dev.switchboard.common.ApiException;
import java.util.Locale;

/**
 * The path a proxied request names below the connection's base URL, checked in its raw (still
 * percent-encoded) form so nothing decoded later can climb out: no {@code .} or {@code ..} segment
 * (nor their encodings), no encoded slash or backslash, no empty segment ({@code //}), no scheme or
 * authority ({@code https:}, {@code @host}) in the first segment. {@code ConnectionAccess.prepare}
 * checks again that the URL it builds is below the base URL.
 */
final class ProxyPaths {

    static final int MAX_LENGTH = 2048;

    private ProxyPaths() {}

    /** {@code raw} is what follows {@code …/proxy} in the request URI; returns it as "/a/b" ("/" when empty). */
    static String check(String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("/")) return "/";
        if (raw.length() > MAX_LENGTH) throw refused("must be at most " + MAX_LENGTH + " characters");
        if (!raw.startsWith("/")) throw refused("must start with '/'");
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || raw.contains("\\")) {
            throw refused("may not contain a slash or backslash inside a segment");
        }
        if (lower.contains("%2e") || lower.contains("%00") || lower.contains("%25")) {
            throw refused("may not contain encoded dots, NUL or percent signs");
        }
        String[] segments = raw.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.isEmpty() && !last) throw refused("may not contain an empty segment ('//')");
            if (s.equals(".") || s.equals("..")) throw refused("may not contain '.' or '..' segments");
            for (int c = 0; c < s.length(); c++) {
                char ch = s.charAt(c);
                if (ch < 0x21 || ch > 0x7e || ch == '{' || ch == '}' || ch == '#' || ch == '?') {
                    throw refused("may contain only URL characters");
                }
            }
        }
        String first = segments[0];
        if (first.contains(":") || first.contains("@")) {
            throw refused("is relative to the connection's API: no scheme, host or user in it");
        }
        return raw;
    }

    private static ApiException refused(String message) {
        return ApiException.invalid("path", message);
    }
}
