package dev.switchboard.connections;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import tools.jackson.databind.JsonNode;

/**
 * Builds an authenticated request to a provider's API from its catalog entry and a connection's
 * config and secrets: the base URL's {@code {placeholders}} filled (URL-encoded) from config and
 * non-secret credential fields, then the credentials applied as the provider's {@code auth} says.
 * A connection's {@code config.baseUrl} replaces the provider's API base URL (sandboxes, self-hosted).
 */
final class ProviderRequests {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private ProviderRequests() {}

    static URI url(Provider p, Connection c, Map<String, String> credentials, String path) {
        Map<String, String> values = new HashMap<>();
        for (Provider.CredentialField f :
                p.credentialFields() == null ? java.util.List.<Provider.CredentialField>of() : p.credentialFields()) {
            if (!f.secret() && credentials.containsKey(f.name())) values.put(f.name(), credentials.get(f.name()));
        }
        values.putAll(c.config());
        String base = c.config().getOrDefault("baseUrl", p.apiBaseUrl());
        return URI.create(fill(stripSlash(base), values) + fill(path, values));
    }

    /**
     * Whether {@code target} stays on the base URL's scheme, host and port and below its path, with
     * no dot segment: the proof that a caller-supplied path reaches nothing else.
     */
    static boolean below(Provider p, Connection c, Map<String, String> credentials, URI target) {
        URI base = url(p, c, credentials, "");
        if (target.getRawAuthority() == null || target.getRawUserInfo() != null) return false;
        if (!base.getScheme().equalsIgnoreCase(target.getScheme())
                || !base.getHost().equalsIgnoreCase(String.valueOf(target.getHost()))
                || base.getPort() != target.getPort()) return false;
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        if (!(path.equals(basePath) || path.startsWith(basePath + "/"))) return false;
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) return false;
        }
        return true;
    }

    /**
     * Whether the tenant steers where this connection's API requests go: its own {@code config.baseUrl},
     * or a placeholder in the host of the provider's base URL ({@code https://{shop}.myshopify.com}).
     */
    static boolean tenantControlsHost(Provider p, Connection c) {
        if (c.config().containsKey("baseUrl") || p.apiBaseUrl() == null) return true;
        String base = p.apiBaseUrl();
        int start = base.indexOf("://") + 3;
        int end = base.indexOf('/', start);
        return base.substring(start, end < 0 ? base.length() : end).contains("{");
    }

    static HttpUriRequestBase build(
            Provider p, Connection c, Connection.Secrets secrets, String accessToken, String method, String path) {
        Map<String, String> credentials = secrets.credentials();
        ClassicRequestBuilder b = ClassicRequestBuilder.create(method).setUri(url(p, c, credentials, path));
        if (p.headers() != null) p.headers().forEach(b::setHeader);
        b.setHeader("Accept", "application/json");
        JsonNode auth = p.auth();
        switch (p.authType()) {
            case BASIC -> {
                String user = credentials.getOrDefault(auth.get("usernameField").asString(), "");
                String password =
                        credentials.getOrDefault(auth.get("passwordField").asString(), "");
                b.setHeader(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            case API_KEY, OAUTH2 -> {
                if (auth == null || !auth.has("field")) break;
                if (!auth.get("field").isString()) break;
                String value = p.oauth()
                        ? accessToken
                        : credentials.get(auth.get("field").asString());
                if (value == null) break;
                String prefix = auth.has("prefix") ? auth.get("prefix").asString() : "";
                String name = auth.has("name") ? auth.get("name").asString() : "Authorization";
                String in = auth.has("in") ? auth.get("in").asString() : "header";
                if (in.equals("query")) b.addParameter(name, prefix + value);
                else if (in.equals("header")) b.setHeader(name, prefix + value);
            }
            case NONE -> {
                // no credentials to apply
            }
        }
        ClassicHttpRequest built = b.build();
        try {
            // A cancellable request, so the whole call can have a deadline (BoundedCalls).
            HttpUriRequestBase request = new HttpUriRequestBase(built.getMethod(), built.getUri());
            request.setHeaders(built.getHeaders());
            return request;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
        }
    }

    /**
     * The request's path and query for the call log, with the provider's own credential parameter
     * (an API key or token sent in the query, whatever its name) already replaced by {@code REDACTED};
     * the call log redacts other secret-named parameters itself.
     */
    static String loggedPath(Provider p, HttpUriRequestBase request) {
        URI uri;
        try {
            uri = request.getUri();
        } catch (java.net.URISyntaxException e) {
            return "/";
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery();
        if (query == null) return path;
        JsonNode auth = p.auth();
        String in = auth != null && auth.has("in") ? auth.get("in").asString() : "header";
        if (in.equals("query") && auth.has("name")) {
            String name = URLEncoder.encode(auth.get("name").asString(), StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder();
            for (String pair : query.split("&", -1)) {
                if (!out.isEmpty()) out.append('&');
                out.append(pair.startsWith(name + "=") ? name + "=REDACTED" : pair);
            }
            query = out.toString();
        }
        return path + "?" + query;
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("no value for {" + m.group(1) + "}");
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
