package dev.switchboard.ui;

import com.nimbusds.jose.JOSEObjectType;
import dev.switchboard.testing.ServerTest;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server with OIDC sign-in against a real identity provider (mock-oauth2-server, issuer
 * {@code default}), a small limit on failed sign-ins, and forwarded headers trusted from loopback, so
 * a test can play a client at another address or behind https. The classes that extend it share
 * this one server (and the provider, started once).
 */
abstract class OidcServerTest extends ServerTest {

    static final String CLIENT_ID = "switchboard-ui";
    static final String ISSUER_ID = "default";
    static final MockOAuth2Server IDP = new MockOAuth2Server();

    static {
        IDP.start();
    }

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add(
                "switchboard.ui.oidc.issuer", () -> IDP.issuerUrl(ISSUER_ID).toString());
        registry.add("switchboard.ui.oidc.client-id", () -> CLIENT_ID);
        registry.add("switchboard.ui.oidc.client-secret", () -> "ui-client-secret");
        registry.add("switchboard.ui.oidc.label", () -> "Example SSO");
        registry.add("switchboard.ui.sign-in.failures-per-minute", () -> "1");
        registry.add("switchboard.ui.sign-in.failures-burst", () -> "3");
        registry.add("switchboard.ui.sign-in.key-failures-per-minute", () -> "1");
        registry.add("switchboard.ui.sign-in.key-failures-burst", () -> "5");
        registry.add("server.forward-headers-strategy", () -> "native");
    }

    /** The next sign-in at the provider is this user, with these claims in the ID token. */
    static void nextUser(String subject, Map<String, Object> claims) {
        IDP.enqueueCallback(new DefaultOAuth2TokenCallback(
                ISSUER_ID, subject, JOSEObjectType.JWT.getType(), List.of(CLIENT_ID), claims, 3600));
    }
}
