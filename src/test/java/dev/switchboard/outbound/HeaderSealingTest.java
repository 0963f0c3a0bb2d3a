package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Header values stored in plain text before V5 are sealed when a node starts, and still sent. */
class HeaderSealingTest {

    private static ConfigurableApplicationContext start(Map<String, String> db) {
        Map<String, Object> p = new HashMap<>(db);
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        return new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
    }

    private static Api api(ConfigurableApplicationContext server) {
        return new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void plainTextHeaderValuesAreSealedAtStartup() throws Exception {
        Map<String, String> db = TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2();
        String admin = TestKeys.ADMIN_KEY;
        try (Receiver receiver = new Receiver()) {
            String live;
            String deleted;
            try (var server = start(db)) {
                Api api = api(server);
                api.post("/api/v1/tenants", admin, "{\"id\":\"old\",\"name\":\"Old\"}");
                live = api.post(
                                "/api/v1/tenants/old/endpoints",
                                admin,
                                "{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"none.yet\"]}")
                        .json()
                        .get("id")
                        .asString();
                deleted = api.post("/api/v1/tenants/old/endpoints", admin, "{\"url\":\"http://127.0.0.1:9/x\"}")
                        .json()
                        .get("id")
                        .asString();
                assertThat(api.delete("/api/v1/tenants/old/endpoints/" + deleted, admin)
                                .status())
                        .isEqualTo(204);
                // Put both rows back the way V3 stored headers: the name → value map, in plain text.
                JdbcClient jdbc = server.getBean(JdbcClient.class);
                jdbc.sql("UPDATE endpoints SET headers = :plain, headers_sealed = NULL WHERE id IN (:live, :deleted)")
                        .param("plain", "{\"X-Api-Token\":\"plain-credential-123\"}")
                        .param("live", live)
                        .param("deleted", deleted)
                        .update();
            }

            try (var server = start(db)) {
                JdbcClient jdbc = server.getBean(JdbcClient.class);
                var rows = jdbc.sql("SELECT id, headers, headers_sealed FROM endpoints WHERE tenant_id = 'old'")
                        .query((rs, n) -> Map.entry(
                                rs.getString("id"),
                                rs.getString("headers") + " sealed=" + (rs.getBytes("headers_sealed") != null)))
                        .list();
                assertThat(rows)
                        .containsExactlyInAnyOrder(
                                Map.entry(live, "[\"X-Api-Token\"] sealed=true"),
                                Map.entry(deleted, "[\"X-Api-Token\"] sealed=false"));

                // The sealed value is the one a delivery carries.
                Api api = api(server);
                assertThat(api.post("/api/v1/tenants/old/endpoints/" + live + "/test", admin, null)
                                .status())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.requests.isEmpty());
                assertThat(receiver.requests.getFirst().header("X-Api-Token")).isEqualTo("plain-credential-123");
            }
        }
    }
}
