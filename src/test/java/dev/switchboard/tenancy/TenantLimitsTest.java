package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Per-tenant counts stop at their configured limits with a stable code; freeing a place reopens it. */
class TenantLimitsTest {

    @Test
    void endpointsSourcesAndKeysStopAtTheirLimits() {
        Map<String, Object> p =
                new HashMap<>(TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        p.put("switchboard.limits.endpoints-per-tenant", "2");
        p.put("switchboard.limits.sources-per-tenant", "1");
        p.put("switchboard.limits.api-keys-per-tenant", "2");
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        try (var server = new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p))) {
            Api api = new Api(Integer.parseInt(server.getEnvironment().getProperty("local.server.port")));
            String admin = TestKeys.ADMIN_KEY;
            assertThat(api.post("/api/v1/tenants", admin, "{\"id\":\"lim\",\"name\":\"L\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(api.post("/api/v1/tenants", admin, "{\"id\":\"other\",\"name\":\"O\"}")
                            .status())
                    .isEqualTo(201);
            String base = "/api/v1/tenants/lim";
            String endpoint = "{\"url\":\"http://127.0.0.1:9/h\",\"disabled\":true}";

            String first = api.post(base + "/endpoints", admin, endpoint)
                    .json()
                    .get("id")
                    .asString();
            assertThat(api.post(base + "/endpoints", admin, endpoint).status()).isEqualTo(201);
            assertLimit(api.post(base + "/endpoints", admin, endpoint));
            assertThat(api.get(base + "/endpoints", admin).json().get("data").size())
                    .isEqualTo(2);
            // A deleted endpoint frees its place; another tenant has places of its own.
            assertThat(api.delete(base + "/endpoints/" + first, admin).status()).isEqualTo(204);
            assertThat(api.post(base + "/endpoints", admin, endpoint).status()).isEqualTo(201);
            assertThat(api.post("/api/v1/tenants/other/endpoints", admin, endpoint)
                            .status())
                    .isEqualTo(201);

            String source = "{\"name\":\"s\",\"provider\":\"none\"}";
            assertThat(api.post(base + "/sources", admin, source).status()).isEqualTo(201);
            assertLimit(api.post(base + "/sources", admin, source));

            String key = "{\"name\":\"k\",\"role\":\"viewer\"}";
            String firstKey =
                    api.post(base + "/api-keys", admin, key).json().get("id").asString();
            assertThat(api.post(base + "/api-keys", admin, key).status()).isEqualTo(201);
            assertLimit(api.post(base + "/api-keys", admin, key));
            assertThat(api.delete(base + "/api-keys/" + firstKey, admin).status())
                    .isEqualTo(204);
            assertThat(api.post(base + "/api-keys", admin, key).status()).isEqualTo(201);
        }
    }

    private static void assertLimit(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("limit_reached");
    }
}
