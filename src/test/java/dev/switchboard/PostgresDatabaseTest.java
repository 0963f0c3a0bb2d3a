package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.RequiresPostgres;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs in the default test run whenever a PostgreSQL answers (skipped, and said so, otherwise):
 * the migrations apply to a fresh schema and the server works on it; production safety checks
 * refuse to start without a keyset or an admin key. The whole suite also runs on PostgreSQL in
 * the second pass of .ci/run.
 */
@RequiresPostgres
class PostgresDatabaseTest {

    static ConfigurableApplicationContext start(Map<String, String> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put("server.port", "0");
        return new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
    }

    @Test
    void migratesAFreshSchemaAndServes() {
        Map<String, String> db = new HashMap<>(TestDatabase.postgres());
        db.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        try (var server = start(db)) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            var created = api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"pg\",\"name\":\"On PostgreSQL\"}");
            assertThat(created.status()).isEqualTo(201);
            var key =
                    api.post("/api/v1/tenants/pg/api-keys", TestKeys.ADMIN_KEY, "{\"name\":\"k\",\"role\":\"viewer\"}");
            assertThat(api.get("/api/v1/tenants/pg", key.json().get("key").asString())
                            .status())
                    .isEqualTo(200);
            assertThat(api.get("/actuator/health", null)
                            .json()
                            .get("components")
                            .get("db")
                            .get("status")
                            .asString())
                    .isEqualTo("UP");
        }
    }

    @Test
    void refusesToStartWithoutAKeyset() {
        Map<String, String> db = new HashMap<>(TestDatabase.postgres());
        db.remove("switchboard.keyset");
        db.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        assertThatThrownBy(() -> start(db).close()).rootCause().hasMessageContaining("SWITCHBOARD_KEYSET is not set");
    }

    @Test
    void refusesToStartWithoutAnyAdminKey() {
        Map<String, String> db = new HashMap<>(TestDatabase.postgres());
        db.put("switchboard.admin-key", "");
        assertThatThrownBy(() -> start(db).close()).rootCause().hasMessageContaining("SWITCHBOARD_ADMIN_KEY");
    }
}
