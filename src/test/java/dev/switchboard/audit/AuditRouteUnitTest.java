package dev.switchboard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts: naming a call from its route, truncating addresses, reading field names. */
class AuditRouteUnitTest {

    private static RouteActions.Described d(String method, String pattern, Map<String, String> vars) {
        return RouteActions.describe(method, pattern, vars);
    }

    @Test
    void actionsAndTargetsComeFromTheRoute() {
        var t = Map.of("tenant", "acme", "id", "ep_1", "keyId", "key_1", "externalId", "alice@example.com");
        assertThat(d("POST", "/api/v1/tenants", Map.of()))
                .isEqualTo(new RouteActions.Described("tenant.create", "tenant", null, true));
        assertThat(d("PATCH", "/api/v1/tenants/{tenant}", t))
                .isEqualTo(new RouteActions.Described("tenant.update", "tenant", "acme", false));
        assertThat(d("POST", "/api/v1/tenants/{tenant}/endpoints", t))
                .isEqualTo(new RouteActions.Described("endpoint.create", "endpoint", null, true));
        assertThat(d("DELETE", "/api/v1/tenants/{tenant}/api-keys/{keyId}", t))
                .isEqualTo(new RouteActions.Described("api-key.delete", "api-key", "key_1", false));
        assertThat(d("POST", "/api/v1/tenants/{tenant}/endpoints/{id}/secret/rotate", t))
                .isEqualTo(new RouteActions.Described("endpoint.secret.rotate", "endpoint", "ep_1", false));
        assertThat(d("GET", "/api/v1/tenants/{tenant}/endpoints/{id}/secret", t))
                .isEqualTo(new RouteActions.Described("endpoint.secret.reveal", "endpoint", "ep_1", false));
        assertThat(d("POST", "/api/v1/admin/vault/rewrap", Map.of()).action()).isEqualTo("admin.vault.rewrap");
        assertThat(d("POST", "/api/v1/tenants/{tenant}/messages/{id}/endpoints/{endpoint}/resend", t)
                        .action())
                .isEqualTo("message.endpoint.resend");
        assertThat(d("POST", "/api/v1/tenants/{tenant}/connections/{id}/access-token", t)
                        .action())
                .isEqualTo("connection.access-token");
        assertThat(d("POST", "/ui/sign-in", Map.of()).action()).isEqualTo("ui.sign-in");
        // A subject's external id is an end user's identifier: the target keeps its type only.
        assertThat(d("PUT", "/api/v1/tenants/{tenant}/subjects/{externalId}", t))
                .isEqualTo(new RouteActions.Described("subject.update", "subject", null, false));
        assertThat(RouteActions.reveals("GET", "/api/v1/tenants/{tenant}/endpoints/{id}/secret"))
                .isTrue();
        assertThat(RouteActions.reveals("GET", "/api/v1/tenants/{tenant}/endpoints/{id}"))
                .isFalse();
    }

    @Test
    void addressesAreTruncatedToTheConfiguredPrefix() {
        assertThat(SourceIps.truncate("203.0.113.77", 24, 48)).isEqualTo("203.0.113.0/24");
        assertThat(SourceIps.truncate("203.0.113.77", 16, 48)).isEqualTo("203.0.0.0/16");
        assertThat(SourceIps.truncate("203.0.113.77", 32, 48)).isEqualTo("203.0.113.77");
        assertThat(SourceIps.truncate("203.0.113.77", 0, 48)).isEqualTo("0.0.0.0/0");
        assertThat(SourceIps.truncate("2001:db8:abcd:12:1:2:3:4", 24, 48)).isEqualTo("2001:db8:abcd:0:0:0:0:0/48");
        assertThat(SourceIps.truncate("[2001:db8:abcd:12::1]", 24, 52)).isEqualTo("2001:db8:abcd:0:0:0:0:0/52");
        assertThat(SourceIps.truncate("2001:db8:abcd:12::1", 24, 128)).isEqualTo("2001:db8:abcd:12:0:0:0:1");
        assertThat(SourceIps.truncate("fe80::1%eth0", 24, 48)).isEqualTo("fe80:0:0:0:0:0:0:0/48");
        assertThat(SourceIps.truncate("localhost", 24, 48)).isNull();
        assertThat(SourceIps.truncate(null, 24, 48)).isNull();
    }

    @Test
    void onlyTopLevelFieldNamesAreKept() {
        byte[] body = """
                {"url":"https://x","credentials":{"apiKey":"sk_live_1"},"headers":{"X-A":"b"},"alice@example.com":1,"disabled":true}
                """.getBytes(StandardCharsets.UTF_8);
        assertThat(BodyFields.of(body, body.length)).containsExactly("url", "credentials", "headers", "disabled");
        // Cut off mid-value: the names read so far.
        assertThat(BodyFields.of(body, 40)).containsExactly("url", "credentials");
        byte[] array = "[1,2]".getBytes(StandardCharsets.UTF_8);
        assertThat(BodyFields.of(array, array.length)).isEmpty();
        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(BodyFields.of(junk, junk.length)).isEmpty();
    }
}
