package dev.switchboard.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JOSEObjectType;
import dev.switchboard.testing.SlowIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * Every call the OIDC sign-in makes to the identity provider (discovery, token, JWKS, userinfo) goes
 * through the egress guard: with loopback allowed they reach mock-oauth2-server; with the default
 * allow-list each one is refused before a connection is made.
 */
class OidcHttpTest {

    static MockOAuth2Server idp;

    @BeforeAll
    static void start() {
        idp = new MockOAuth2Server();
        idp.start();
    }

    @AfterAll
    static void stop() {
        idp.shutdown();
    }

    private static OidcHttp allowingLoopback() {
        return OidcHttp.create(new UrlGuard(AddressPolicy.allowing(List.of("127.0.0.0/8"))), Duration.ofSeconds(30));
    }

    private static OidcHttp defaultGuard() {
        return OidcHttp.create(new UrlGuard(AddressPolicy.allowing(List.of())), Duration.ofSeconds(30));
    }

    private static ClientRegistration registration() {
        return ClientRegistration.withRegistrationId("oidc")
                .clientId("ui")
                .clientSecret("s")
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("http://127.0.0.1/ui/oauth2/code/oidc")
                .scope("openid", "profile")
                .authorizationUri(idp.authorizationEndpointUrl("default").toString())
                .tokenUri(idp.tokenEndpointUrl("default").toString())
                .jwkSetUri(idp.jwksUrl("default").toString())
                .userInfoUri(idp.userInfoUrl("default").toString())
                .userNameAttributeName("sub")
                .issuerUri(idp.issuerUrl("default").toString())
                .build();
    }

    private static String idToken() {
        return idp.issueToken(
                        "default",
                        "ui",
                        new DefaultOAuth2TokenCallback(
                                "default", "alice", JOSEObjectType.JWT.getType(), List.of("ui"), Map.of(), 60))
                .serialize();
    }

    private static void assertBlocked(Throwable t) {
        assertThat(t).isNotNull();
        Throwable c = t;
        while (c != null && !(c instanceof BlockedDestinationException)) c = c.getCause();
        assertThat(c).as("blocked by the guard: " + t).isInstanceOf(BlockedDestinationException.class);
    }

    @Test
    void discoveryAndTheIdTokensKeysReachAnAllowedIssuer() {
        var http = allowingLoopback();
        Map<String, Object> metadata = http.discover(idp.issuerUrl("default").toString());
        assertThat(metadata.get("issuer")).isEqualTo(idp.issuerUrl("default").toString());
        assertThat(metadata).containsKeys("authorization_endpoint", "token_endpoint", "jwks_uri");
        var jwt = http.idTokenDecoders().createDecoder(registration()).decode(idToken());
        assertThat(jwt.getSubject()).isEqualTo("alice");
    }

    @Test
    void everyCallToAnIssuerOutsideTheAllowListIsRefused() {
        var http = defaultGuard();
        assertBlocked(
                catchThrowable(() -> http.discover(idp.issuerUrl("default").toString())));
        assertBlocked(catchThrowable(
                () -> http.idTokenDecoders().createDecoder(registration()).decode(idToken())));

        var registration = registration();
        var request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .clientId("ui")
                .redirectUri(registration.getRedirectUri())
                .state("st")
                .build();
        var response = OAuth2AuthorizationResponse.success("code")
                .redirectUri(registration.getRedirectUri())
                .state("st")
                .build();
        assertBlocked(catchThrowable(() -> http.tokenClient()
                .getTokenResponse(new OAuth2AuthorizationCodeGrantRequest(
                        registration, new OAuth2AuthorizationExchange(request, response)))));

        Instant now = Instant.now();
        var access = new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, "at", now, now.plusSeconds(60), Set.of("openid", "profile"));
        var id = new OidcIdToken("it", now, now.plusSeconds(60), Map.of("sub", "alice"));
        assertBlocked(catchThrowable(() -> http.userService().loadUser(new OidcUserRequest(registration, access, id))));
    }

    @Test
    void aTricklingIssuerFailsEachCallAtTheDeadline() throws Exception {
        try (var slow = new SlowIssuer(Duration.ofMillis(100))) {
            // Each read gets a byte within 100 ms: only the deadline on the whole call (1 s) ends it.
            var http = OidcHttp.create(
                    new UrlGuard(AddressPolicy.allowing(List.of("127.0.0.0/8"))), Duration.ofSeconds(1));
            var registration = ClientRegistration.withRegistrationId("oidc")
                    .clientId("ui")
                    .clientSecret("s")
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("http://127.0.0.1/ui/oauth2/code/oidc")
                    .scope("openid")
                    .authorizationUri(slow.issuer() + "/authorize")
                    .tokenUri(slow.issuer() + "/token")
                    .jwkSetUri(slow.issuer() + "/jwks")
                    .userInfoUri(slow.issuer() + "/userinfo")
                    .userNameAttributeName("sub")
                    .issuerUri(slow.issuer())
                    .build();
            assertThat(http.discover(slow.issuer())).containsEntry("issuer", slow.issuer());

            var request = OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                    .clientId("ui")
                    .redirectUri(registration.getRedirectUri())
                    .state("st")
                    .build();
            var response = OAuth2AuthorizationResponse.success("code")
                    .redirectUri(registration.getRedirectUri())
                    .state("st")
                    .build();
            assertEndsInTime(() -> http.tokenClient()
                    .getTokenResponse(new OAuth2AuthorizationCodeGrantRequest(
                            registration, new OAuth2AuthorizationExchange(request, response))));
            assertEndsInTime(
                    () -> http.idTokenDecoders().createDecoder(registration).decode(idToken()));
            Instant now = Instant.now();
            var access = new OAuth2AccessToken(
                    OAuth2AccessToken.TokenType.BEARER, "at", now, now.plusSeconds(60), Set.of("openid", "profile"));
            var id = new OidcIdToken("it", now, now.plusSeconds(60), Map.of("sub", "alice"));
            assertEndsInTime(() -> http.userService().loadUser(new OidcUserRequest(registration, access, id)));
        }
    }

    /** The call fails, and well before the trickle would have ended on its own (never). */
    private static void assertEndsInTime(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        long start = System.nanoTime();
        Throwable t = catchThrowable(call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(t).as("a trickling issuer's call fails").isNotNull();
        assertThat(took).as("ended by the 1 s deadline: " + t).isLessThan(Duration.ofSeconds(8));
    }
}
