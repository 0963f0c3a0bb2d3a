package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The resolved access argument, seen from outside: the API description and the checks' order. */
class TenantScopeTest extends ServerTest {

    @Test
    void tenantRoutesDescribeTheirTenantPathParameterAndNothingMore() {
        JsonNode paths = api.get("/v3/api-docs", null).json().get("paths");
        JsonNode get = paths.get("/api/v1/tenants/{tenant}/endpoints/{id}").get("get");
        List<String> parameters = new ArrayList<>();
        get.get("parameters")
                .forEach(p -> parameters.add(
                        p.get("in").asString() + ":" + p.get("name").asString()));
        assertThat(parameters).containsExactlyInAnyOrder("path:tenant", "path:id");
        JsonNode vault = paths.get("/api/v1/admin/vault").get("get");
        assertThat(vault.has("parameters")).isFalse();
    }

    @Test
    void anotherTenantsCallerGets404BeforeItsBodyIsEvenRead() {
        String tenant = newTenant();
        String stranger = newKey(newTenant(), "admin");
        // An invalid body would be a 400 for a caller who may write here; a stranger learns nothing.
        var r = api.post("/api/v1/tenants/" + tenant + "/endpoints", stranger, "{\"url\":\"\"}");
        assertThat(r.status()).isEqualTo(404);
        var viewer = api.post("/api/v1/tenants/" + tenant + "/endpoints", newKey(tenant, "viewer"), "{\"url\":\"\"}");
        assertThat(viewer.status()).isEqualTo(403);
    }
}
