package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class OperabilityTest extends ServerTest {

    @Test
    void healthReportsTheDatabase() {
        var r = api.get("/actuator/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("UP");
        assertThat(r.json().get("components").get("db").get("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void prometheusExposesRequestAndPoolMetrics() {
        api.get("/api/v1/tenants", ADMIN);
        var r = api.get("/actuator/prometheus", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("http_server_requests_seconds_count").contains("hikaricp_connections");
    }

    @Test
    void everyResponseCarriesARequestId() {
        for (var r : new dev.switchboard.testing.Api.Response[] {
            api.get("/api/v1/tenants", ADMIN),
            api.get("/api/v1/tenants", null),
            api.get("/api/v1/tenants/none", ADMIN),
            api.get("/actuator/health", null),
            api.post("/api/v1/tenants", ADMIN, "{")
        }) {
            assertThat(r.header("X-Request-Id")).as(r.toString()).matches("req_[0-9a-z]{26}");
        }
    }

    @Test
    void aCallersPlainRequestIdIsKeptAndAnUnsafeOneReplaced() {
        var kept = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/none"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("X-Request-Id", "trace-42.abc")
                .build());
        assertThat(kept.header("X-Request-Id")).isEqualTo("trace-42.abc");
        assertThat(kept.json().get("requestId").asString()).isEqualTo("trace-42.abc");

        var replaced = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("X-Request-Id", "<script>" + "x".repeat(100))
                .build());
        assertThat(replaced.header("X-Request-Id")).matches("req_[0-9a-z]{26}");
    }

    @Test
    void timestampsAreRfc3339Utc() {
        String tenant = newTenant();
        String created = api.get("/api/v1/tenants/" + tenant, ADMIN)
                .json()
                .get("createdAt")
                .asString();
        assertThat(created).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
    }
}
