package dev.switchboard.connections;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.switchboard.calllog.CallLog;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.BoundedCalls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * OAuth 2.0 with Nimbus for the protocol (requests, PKCE, response parsing) and Switchboard's own
 * HTTP client for the transport, so every token call goes through the SSRF guard, with a timeout,
 * without redirects.
 */
class OAuthClient {

    /** What the token endpoint gave. {@code refreshToken} is null when it sent none. */
    record Tokens(String accessToken, String refreshToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Tokens[expiresAt=" + expiresAt + "]";
        }
    }

    /** A refusal or failure; {@code permanent} when retrying cannot help (invalid_grant, invalid_client). */
    static final class Failure extends Exception {
        final boolean permanent;

        Failure(String message, boolean permanent) {
            super(message, null, false, false);
            this.permanent = permanent;
        }
    }

    /** Without expires_in, a token is taken to last an hour (and refreshed ahead of that). */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final CloseableHttpClient http;
    private final Duration timeout;
    private final CallLog callLog;

    OAuthClient(CloseableHttpClient http, Duration timeout, CallLog callLog) {
        this.http = http;
        this.timeout = timeout;
        this.callLog = callLog;
    }

    static String newVerifier() {
        return new CodeVerifier().getValue();
    }

    static URI authorizationUrl(
            Provider p, String clientId, URI redirectUri, List<String> scopes, String state, String verifier) {
        var builder = new AuthorizationRequest.Builder(
                        new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
                .endpointURI(URI.create(p.authorizationUrl()))
                .redirectionURI(redirectUri)
                .scope(scopes.isEmpty() ? null : new Scope(scopes.toArray(String[]::new)))
                .state(new State(state))
                .codeChallenge(new CodeVerifier(verifier), CodeChallengeMethod.S256);
        if (p.authorizationParams() != null) p.authorizationParams().forEach(builder::customParameter);
        return builder.build().toURI();
    }

    Tokens exchange(
            Connection c,
            Provider p,
            String clientId,
            String clientSecret,
            String code,
            URI redirectUri,
            String verifier,
            Instant now)
            throws Failure {
        return token(
                c,
                p,
                clientId,
                clientSecret,
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, new CodeVerifier(verifier)),
                null,
                now);
    }

    Tokens refresh(Connection c, Provider p, String clientId, String clientSecret, String refreshToken, Instant now)
            throws Failure {
        return token(c, p, clientId, clientSecret, new RefreshTokenGrant(new RefreshToken(refreshToken)), null, now);
    }

    Tokens clientCredentials(
            Connection c, Provider p, String clientId, String clientSecret, List<String> scopes, Instant now)
            throws Failure {
        return token(
                c,
                p,
                clientId,
                clientSecret,
                new ClientCredentialsGrant(),
                scopes.isEmpty() ? null : new Scope(scopes.toArray(String[]::new)),
                now);
    }

    private Tokens token(
            Connection c,
            Provider p,
            String clientId,
            String clientSecret,
            AuthorizationGrant grant,
            Scope scope,
            Instant now)
            throws Failure {
        var auth = new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret == null ? "" : clientSecret));
        HTTPRequest request = new TokenRequest(URI.create(p.tokenUrl()), auth, grant, scope).toHTTPRequest();
        HTTPResponse response = send(c, request, now);
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw new Failure(
                    "the token endpoint answered HTTP " + response.getStatusCode() + " with an unreadable body", false);
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = parsed.toErrorResponse().getErrorObject();
            String code = error == null || error.getCode() == null ? "error" : error.getCode();
            boolean permanent =
                    code.equals("invalid_grant") || code.equals("invalid_client") || code.equals("unauthorized_client");
            throw new Failure(
                    "the token endpoint refused: " + code + " (HTTP " + response.getStatusCode() + ")", permanent);
        }
        AccessTokenResponse ok = (AccessTokenResponse) parsed;
        var tokens = ok.getTokens();
        long lifetime = tokens.getAccessToken().getLifetime();
        return new Tokens(
                tokens.getAccessToken().getValue(),
                tokens.getRefreshToken() == null
                        ? null
                        : tokens.getRefreshToken().getValue(),
                now.plus(lifetime > 0 ? Duration.ofSeconds(lifetime) : DEFAULT_LIFETIME));
    }

    /**
     * One call to the token endpoint, recorded in the call log (origin TOKEN) with its status, sizes
     * and latency: never its bodies, which hold the grant, the client secret and the tokens.
     */
    private HTTPResponse send(Connection c, HTTPRequest request, Instant now) throws Failure {
        HttpPost post = new HttpPost(request.getURI());
        for (Map.Entry<String, List<String>> h : request.getHeaderMap().entrySet()) {
            for (String v : h.getValue()) post.addHeader(h.getKey(), v);
        }
        post.setHeader("Accept", "application/json");
        String body = request.getBody() != null ? request.getBody() : request.getQuery();
        byte[] sent = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        post.setEntity(new StringEntity(
                body == null ? "" : body, org.apache.hc.core5.http.ContentType.APPLICATION_FORM_URLENCODED));
        long started = System.nanoTime();
        HTTPResponse response = null;
        String error = null;
        try {
            response = exchange(post);
            return response;
        } catch (Failure f) {
            error = f.getMessage();
            throw f;
        } finally {
            String answer = response == null ? null : response.getBody();
            callLog.record(new CallLog.Call(
                    c.tenantId(),
                    c.id(),
                    c.provider(),
                    CallLog.Origin.TOKEN,
                    "POST",
                    pathOf(request.getURI()),
                    response == null ? null : response.getStatusCode(),
                    (System.nanoTime() - started) / 1_000_000,
                    sent.length,
                    answer == null ? 0 : answer.getBytes(StandardCharsets.UTF_8).length,
                    error,
                    null,
                    null,
                    now,
                    null,
                    null));
        }
    }

    /** The token URL's path and query as logged (the call log redacts secret-named parameters). */
    private static String pathOf(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private HTTPResponse exchange(HttpPost post) throws Failure {
        try {
            return BoundedCalls.call(http, post, timeout, r -> {
                HTTPResponse response = new HTTPResponse(r.getCode());
                var type = r.getFirstHeader("Content-Type");
                if (type != null) {
                    try {
                        response.setContentType(type.getValue());
                    } catch (ParseException ignored) {
                        // An unparseable content type: the body parse reports the problem.
                    }
                }
                if (r.getEntity() != null) {
                    try (InputStream in = r.getEntity().getContent()) {
                        response.setBody(new String(in.readNBytes(256 * 1024), StandardCharsets.UTF_8));
                    }
                }
                return response;
            });
        } catch (BlockedDestinationException e) {
            throw new Failure("the token endpoint is blocked by the SSRF guard: " + e.getMessage(), true);
        } catch (IOException e) {
            throw new Failure(
                    "the token endpoint could not be reached: " + e.getClass().getSimpleName(), false);
        }
    }
}
