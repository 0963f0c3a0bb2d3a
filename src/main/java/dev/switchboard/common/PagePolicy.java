package dev.switchboard.common;

import java.net.URI;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The dashboard's Content-Security-Policy: no inline script or style, nothing from other origins,
 * no framing. A page whose form sends the browser on to another site (the setup wizard's "connect
 * with OAuth", which answers with a redirect to the provider) widens {@code form-action} to that
 * site's origin for that page only: browsers check every redirect of a form submission against it.
 */
public final class PagePolicy {

    public static final String HEADER = "Content-Security-Policy";

    public static final String CSP = policy("'self'");

    private PagePolicy() {}

    /** The policy with {@code form-action} also allowing the origins of these URLs (bad ones are left out). */
    public static String allowingFormsTo(Collection<String> urls) {
        var origins = new TreeSet<String>();
        for (String url : urls) {
            try {
                URI u = URI.create(url);
                if (u.getHost() == null
                        || !(u.getScheme().equalsIgnoreCase("https")
                                || u.getScheme().equalsIgnoreCase("http"))) {
                    continue;
                }
                origins.add(u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getRawAuthority());
            } catch (RuntimeException e) {
                // Not a URL: no origin to allow.
            }
        }
        origins.removeIf(o -> !o.matches("[a-z]+://[A-Za-z0-9.\\-\\[\\]:]+"));
        return origins.isEmpty() ? CSP : policy("'self' " + String.join(" ", origins));
    }

    private static String policy(String formAction) {
        return String.join(
                "; ",
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                "connect-src 'self'",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action " + formAction,
                "frame-ancestors 'none'");
    }
}
