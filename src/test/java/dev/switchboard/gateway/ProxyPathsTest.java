package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.ApiException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The raw paths the proxy accepts, and the gateway's settings checked at startup. */
class ProxyPathsTest {

    @Test
    void pathsBelowTheBaseAreKeptAsTheyCame() {
        assertThat(ProxyPaths.check("")).isEqualTo("/");
        assertThat(ProxyPaths.check("/v1/charges")).isEqualTo("/v1/charges");
        assertThat(ProxyPaths.check("/v1/customers/a%20b/")).isEqualTo("/v1/customers/a%20b/");
        assertThat(ProxyPaths.check("/v3/bounces/someone@example.com")).isEqualTo("/v3/bounces/someone@example.com");
    }

    @Test
    void escapesAreRefused() {
        for (String raw : List.of(
                "/..",
                "/a/../b",
                "/./a",
                "/%2e%2e/a",
                "/%2E./a",
                "/a%2fb",
                "/a%5Cb",
                "/a\\b",
                "//evil.example/a",
                "/a//b",
                "/http:/evil.example",
                "/@evil.example/a",
                "/u:p@evil.example",
                "/%252e%252e/a",
                "/a%00b",
                "/a{b}",
                "v1/no-leading-slash",
                "/" + "a".repeat(ProxyPaths.MAX_LENGTH))) {
            assertThatThrownBy(() -> ProxyPaths.check(raw)).as(raw).isInstanceOf(ApiException.class);
        }
    }

    static GatewayProperties bind(String key, String value) {
        var source = new MapConfigurationPropertySource();
        if (key != null) source.put("switchboard.gateway." + key, value);
        return new Binder(source).bindOrCreate("switchboard.gateway", GatewayProperties.class);
    }

    @Test
    void settingsAreCheckedAtStartup() {
        assertThat(bind(null, null).deadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(bind("deadline", "2s").deadline()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> bind("deadline", "10m")).hasStackTraceContaining("at most");
        assertThatThrownBy(() -> bind("deadline", "0s")).hasStackTraceContaining("positive");
        assertThatThrownBy(() -> bind("max-response-bytes", "10")).hasStackTraceContaining("max-response-bytes");
        assertThatThrownBy(() -> bind("limits-cache-ttl", "1h")).hasStackTraceContaining("limits-cache-ttl");
    }
}
