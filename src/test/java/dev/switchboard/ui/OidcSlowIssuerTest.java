package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import dev.switchboard.testing.SlowIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An identity provider that answers a byte at a time: each call the sign-in makes to it (discovery,
 * the token exchange) ends at the whole-call deadline ({@code switchboard.ui.oidc.timeout}, 1 s here),
 * and the user gets a page that says the sign-in did not work, instead of a request that hangs.
 */
class OidcSlowIssuerTest extends ServerTest {

    static final SlowIssuer ISSUER = start();

    private static SlowIssuer start() {
        try {
            return new SlowIssuer(Duration.ofMillis(100));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("switchboard.ui.oidc.issuer", ISSUER::issuer);
        registry.add("switchboard.ui.oidc.client-id", () -> "switchboard-ui");
        registry.add("switchboard.ui.oidc.client-secret", () -> "ui-client-secret");
        registry.add("switchboard.ui.oidc.timeout", () -> "1s");
    }

    @AfterAll
    static void stop() {
        ISSUER.close();
    }

    private String cookie;

    private dev.switchboard.testing.Api.Response get(String pathOrUrl) {
        URI u = URI.create(pathOrUrl);
        var b = HttpRequest.newBuilder(URI.create(
                        api.base() + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())))
                .GET();
        if (cookie != null) b.header("Cookie", cookie);
        var r = api.send(b.build());
        r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        return r;
    }

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aTricklingIssuerFailsTheSignInAtTheDeadlineWithAPageThatSaysSo() {
        // Discovery trickles: the start of the sign-in says the provider cannot be reached.
        ISSUER.slowDiscovery(true);
        var unreachable = new dev.switchboard.testing.Api.Response[1];
        assertThat(timed(() -> unreachable[0] = get("/ui/sign-in/oidc"))).isLessThan(Duration.ofSeconds(10));
        assertThat(unreachable[0].status()).isEqualTo(503);

        // Discovery answers; the token exchange trickles: the callback fails at the deadline.
        ISSUER.slowDiscovery(false);
        get("/ui/sign-in");
        var start = get("/ui/sign-in/oidc");
        assertThat(start.status()).as(start.toString()).isEqualTo(302);
        var authorize = get(start.header("Location"));
        assertThat(authorize.status()).as(authorize.toString()).isEqualTo(302);
        URI provider = URI.create(authorize.header("Location"));
        assertThat(provider.toString()).startsWith(ISSUER.issuer() + "/authorize");
        Map<String, String> query = Arrays.stream(provider.getRawQuery().split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        var callback = new dev.switchboard.testing.Api.Response[1];
        Duration took = timed(() -> callback[0] = get("/ui/oauth2/code/oidc?code=any-code&state="
                + java.net.URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8)));
        assertThat(took).as("ended by the 1 s deadline, not by the trickle").isLessThan(Duration.ofSeconds(10));
        assertThat(callback[0].status()).as(callback[0].toString()).isEqualTo(302);
        assertThat(callback[0].header("Location")).endsWith("/ui/sign-in?oidc-failed");
        assertThat(get(callback[0].header("Location")).body()).contains("did not work");
        assertThat(get("/").status()).as("no session").isEqualTo(302);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'ui.sign-in.oidc' AND status = 401")
                        .query(Long.class)
                        .single())
                .isPositive();
    }
}
