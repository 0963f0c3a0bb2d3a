package dev.switchboard.common;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which part of the server a request is for, decided on the decoded and normalized path, the one
 * routing uses: the raw URI can spell the same route differently ({@code /%61pi/v1/…}).
 */
public final class Paths {

    private Paths() {}

    /** The path as routed: decoded, dot segments and path parameters removed. */
    public static String routed(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    /** Webhook ingest, which keeps every request byte for byte and answers providers, not API callers. */
    public static boolean isIngest(HttpServletRequest request) {
        return routed(request).startsWith("/webhooks/");
    }

    private static final java.util.regex.Pattern PROXY =
            java.util.regex.Pattern.compile("/api/v1/tenants/[^/]+/connections/[^/]+/proxy(/.*)?");

    /**
     * The provider proxy, which forwards the body byte for byte (a form body must not be read as
     * parameters) and its query string as it came.
     */
    public static boolean isProxy(HttpServletRequest request) {
        return PROXY.matcher(routed(request)).matches();
    }

    /** The management API. */
    public static boolean isApi(HttpServletRequest request) {
        return routed(request).startsWith("/api/");
    }
}
