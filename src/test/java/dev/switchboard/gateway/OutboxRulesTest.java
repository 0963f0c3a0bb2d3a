package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.ApiException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The outbox's pure rules: backoff, classification, paths, redaction. */
class OutboxRulesTest {

    @Test
    void backoffDoublesWithinAQuarterAndStopsAtAnHour() {
        for (int n = 1; n <= 11; n++) {
            long base = 1000L << n;
            assertThat(OutboxRetries.delay(n, Optional.empty(), 0.0).toMillis())
                    .isEqualTo(Math.min(base * 3 / 4, 3_600_000));
            assertThat(OutboxRetries.delay(n, Optional.empty(), 0.5).toMillis()).isEqualTo(Math.min(base, 3_600_000));
            assertThat(OutboxRetries.delay(n, Optional.empty(), 0.999_999).toMillis())
                    .isLessThanOrEqualTo(Math.min(base * 5 / 4, 3_600_000));
        }
        assertThat(OutboxRetries.delay(20, Optional.empty(), 0.999)).isEqualTo(Duration.ofHours(1));
        assertThat(OutboxRetries.delay(1, Optional.of(Duration.ofMinutes(5)), 0.5))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(OutboxRetries.delay(1, Optional.of(Duration.ofSeconds(1)), 0.5))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(OutboxRetries.delay(1, Optional.of(Duration.ofDays(30)), 0.5))
                .isEqualTo(Duration.ofHours(24));
    }

    @Test
    void onlyNetworkErrorsServerErrorsAndThrottlingAreRetryable() {
        assertThat(OutboxRetries.Outcome.of(200)).isEqualTo(OutboxRetries.Outcome.SUCCEEDED);
        assertThat(OutboxRetries.Outcome.of(204)).isEqualTo(OutboxRetries.Outcome.SUCCEEDED);
        for (int s : new int[] {429, 500, 502, 503, 504})
            assertThat(OutboxRetries.Outcome.of(s).retryable()).isTrue();
        for (int s : new int[] {301, 400, 401, 403, 404, 409, 422}) {
            assertThat(OutboxRetries.Outcome.of(s)).isEqualTo(OutboxRetries.Outcome.REJECTED);
        }
        assertThat(OutboxRetries.Outcome.NETWORK_ERROR.retryable()).isTrue();
    }

    @Test
    void pathsStayBelowTheBaseUrl() {
        for (String ok :
                new String[] {"/v1/charges", "/a/b%20c", "/users/a%40b.example", "/x/", "/a.b/c..d", "/~x;y=1"}) {
            assertThat(OutboxInput.path(ok)).isEqualTo(ok);
        }
        for (String bad : new String[] {
            "https://evil.example",
            "//evil",
            "x",
            "/../a",
            "/a/..",
            "/%2e%2E/a",
            "/a%2F..",
            "/a%5c",
            "/a\\b",
            "/@evil",
            "/a\tb",
            "/a\u007fb",
            "/é",
            "/a%0d%0aX: y",
            "/a%7f"
        }) {
            assertThatThrownBy(() -> OutboxInput.path(bad)).as(bad).isInstanceOf(ApiException.class);
        }
    }

    @Test
    void redactionHidesSecretsInJsonFormsAndHeaders() {
        JsonMapper json = JsonMapper.builder().build();
        String body = OutboxRedaction.body(
                "{\"id\":1,\"access_token\":\"t-1\",\"list\":[{\"Password\":\"p\"}],\"apiKey\":{\"v\":\"k\"}}"
                        .getBytes(),
                1000,
                json);
        assertThat(body).doesNotContain("t-1", "\"p\"", "\"k\"").contains("\"id\":1");
        String form = OutboxRedaction.body("a=1&client_secret=s-1&token=t-2".getBytes(), 1000, json);
        assertThat(form).isEqualTo("a=1&client_secret=[redacted]&token=[redacted]");
        assertThat(OutboxRedaction.text("error: Bearer abc.def rejected")).doesNotContain("abc.def");
        assertThat(OutboxRedaction.headers(java.util.Map.of(
                        "Set-Cookie", java.util.List.of("sid=1"), "X-Request-Id", java.util.List.of("r1"))))
                .containsEntry("Set-Cookie", java.util.List.of("[redacted]"))
                .containsEntry("X-Request-Id", java.util.List.of("r1"));
        assertThat(OutboxRedaction.body("x".repeat(100).getBytes(), 10, json)).hasSize(10);
    }
}
