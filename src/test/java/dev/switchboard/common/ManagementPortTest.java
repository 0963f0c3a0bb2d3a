package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** With a management port set, metrics and detailed health leave the public port. */
class ManagementPortTest {

    @Test
    void prometheusAndDetailedHealthMoveToTheManagementPort() throws Exception {
        int management = ServerProcess.freePort();
        Map<String, Object> p =
                new HashMap<>(TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("management.server.port", String.valueOf(management));
        p.put("switchboard.health-details", "always");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api main = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            Api ops = new Api(management);

            assertThat(main.get("/actuator/prometheus", null).status()).isEqualTo(404);
            assertThat(main.get("/actuator/health", null).status()).isEqualTo(404);
            var metrics = ops.get("/actuator/prometheus", null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
            var health = ops.get("/actuator/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("components").get("db").has("details")).isTrue();

            // Load balancers still probe the public port; the API is unchanged.
            assertThat(main.get("/readyz", null).status()).isEqualTo(200);
            assertThat(main.get("/livez", null).status()).isEqualTo(200);
            assertThat(main.get("/api/v1/tenants", TestKeys.ADMIN_KEY).status()).isEqualTo(200);
        }
    }
}
