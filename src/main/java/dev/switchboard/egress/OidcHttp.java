package dev.switchboard.egress;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.converter.ClaimTypeConverter;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Every call Spring Security's OIDC sign-in makes to the identity provider (discovery, the token
 * exchange, the ID token's JWKS, userinfo), on one HTTP client of {@link SafeHttpClients} behind the
 * operator's guard: the issuer is the operator's setting, so it is checked against the operator's
 * allow-list like the provider catalog's URLs. Spring's own defaults would each build a client of
 * their own, unguarded; this hands them ours instead. Each call has a deadline on the whole of it
 * ({@link BoundedCalls}), so a slow issuer ends the sign-in with a failure instead of holding a
 * request thread.
 */
public final class OidcHttp {

    private final RestClient json;
    private final RestClient tokens;
    private final RestTemplate template;

    private OidcHttp(HttpComponentsClientHttpRequestFactory requests) {
        this.json = RestClient.builder().requestFactory(requests).build();
        // What RestClientAuthorizationCodeTokenResponseClient builds for itself, on our client.
        this.tokens = RestClient.builder()
                .requestFactory(requests)
                .configureMessageConverters(c -> c.addCustomConverter(new FormHttpMessageConverter())
                        .addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
        this.template = new RestTemplate(requests);
        this.template.setErrorHandler(new OAuth2ErrorResponseErrorHandler());
    }

    /**
     * @param timeout for each call as a whole (connect, request, the whole answer): an issuer that
     *     trickles its answer a byte at a time fails the sign-in when it is up, not a thread for ever
     */
    public static OidcHttp create(UrlGuard guard, Duration timeout) {
        var client = SafeHttpClients.create(guard, timeout, 16, 8);
        return new OidcHttp(new HttpComponentsClientHttpRequestFactory(client) {
            @Override
            protected void postProcessHttpRequest(ClassicHttpRequest request) {
                if (request instanceof HttpUriRequestBase cancellable) BoundedCalls.cancelAfter(cancellable, timeout);
            }
        });
    }

    /** The issuer's discovery document ({@code /.well-known/openid-configuration}), as a map. */
    public Map<String, Object> discover(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        Map<String, Object> metadata = json.get()
                .uri(URI.create(base + "/.well-known/openid-configuration"))
                .retrieve()
                .body(new ParameterizedTypeReference<Map<String, Object>>() {});
        if (metadata == null) throw new IllegalStateException("empty discovery document from " + issuer);
        return metadata;
    }

    public OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokenClient() {
        var client = new RestClientAuthorizationCodeTokenResponseClient();
        client.setRestClient(tokens);
        return client;
    }

    /** Loads the user: the ID token's claims, plus userinfo's when the provider has that endpoint. */
    public OAuth2UserService<OidcUserRequest, OidcUser> userService() {
        var userInfo = new DefaultOAuth2UserService();
        userInfo.setRestOperations(template);
        var users = new OidcUserService();
        users.setOauth2UserService(userInfo);
        return users;
    }

    /** ID token decoders fetching the issuer's keys on our client; the checks are Spring's own. */
    public JwtDecoderFactory<ClientRegistration> idTokenDecoders() {
        var claims = new ClaimTypeConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverters());
        return registration -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(
                            registration.getProviderDetails().getJwkSetUri())
                    .restOperations(template)
                    .build();
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                    new JwtTimestampValidator(), new OidcIdTokenValidator(registration)));
            decoder.setClaimSetConverter(claims);
            return decoder;
        };
    }
}
