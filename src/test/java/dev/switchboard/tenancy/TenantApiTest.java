package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TenantApiTest extends ServerTest {

    @Test
    void createsATenantWithItsOwnIdOrAGeneratedOne() {
        String id = "acme-" + System.nanoTime();
        var created = api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + id + "\",\"name\":\"  Acme Inc \"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/tenants/" + id);
        JsonNode t = created.json();
        assertThat(t.get("id").asString()).isEqualTo(id);
        assertThat(t.get("name").asString()).isEqualTo("Acme Inc");
        assertThat(t.get("status").asString()).isEqualTo("active");
        assertThat(t.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

        var generated = api.post("/api/v1/tenants", ADMIN, "{\"name\":\"Globex\"}");
        assertThat(generated.status()).isEqualTo(201);
        assertThat(generated.json().get("id").asString()).matches("ten_[0-9a-z]{26}");

        var fetched = api.get("/api/v1/tenants/" + id, ADMIN);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(t);
    }

    @Test
    void aTakenIdIsAConflictAndWritesNothing() {
        String id = newTenant();
        long before = count("tenants");
        var again = api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + id + "\",\"name\":\"Other\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("conflict");
        assertThat(count("tenants")).isEqualTo(before);
        assertThat(api.get("/api/v1/tenants/" + id, ADMIN).json().get("name").asString())
                .isEqualTo("Tenant " + id);
    }

    @Test
    void pagesThroughEveryTenantNewestFirstWithoutGapsOrRepeats() {
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 7; i++) mine.add(newTenant());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = api.get("/api/v1/tenants?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), ADMIN);
            assertThat(r.status()).isEqualTo(200);
            JsonNode data = r.json().get("data");
            assertThat(data.size()).isLessThanOrEqualTo(3);
            data.forEach(t -> seen.add(t.get("id").asString()));
            cursor = r.json().get("nextCursor").isNull()
                    ? null
                    : r.json().get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10_000);
        assertThat(seen).doesNotHaveDuplicates().containsAll(mine);
        assertThat(seen).hasSize((int) count("tenants"));
    }

    @Test
    void renamesAndDisablesAndReEnables() {
        String id = newTenant();
        String key = newKey(id, "admin");
        var renamed = api.patch("/api/v1/tenants/" + id, key, "{\"name\":\"Renamed\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("Renamed");

        // A tenant admin may rename but not disable its own tenant.
        assertThat(api.patch("/api/v1/tenants/" + id, key, "{\"disabled\":true}")
                        .status())
                .isEqualTo(403);

        assertThat(api.delete("/api/v1/tenants/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/tenants/" + id, ADMIN).json().get("status").asString())
                .isEqualTo("disabled");
        // A disabled tenant's keys stop working at once.
        assertThat(api.get("/api/v1/tenants/" + id, key).status()).isEqualTo(401);

        var enabled = api.patch("/api/v1/tenants/" + id, ADMIN, "{\"disabled\":false}");
        assertThat(enabled.json().get("status").asString()).isEqualTo("active");
        assertThat(api.get("/api/v1/tenants/" + id, key).status()).isEqualTo(200);
    }

    @Test
    void aTenantKeyListsOnlyItsOwnTenant() {
        String id = newTenant();
        newTenant();
        var r = api.get("/api/v1/tenants", newKey(id, "viewer"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("data").size()).isEqualTo(1);
        assertThat(r.json().get("data").get(0).get("id").asString()).isEqualTo(id);
    }

    @Test
    void unknownTenantsAreNotFound() {
        var r = api.get("/api/v1/tenants/no-such-tenant", ADMIN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asString()).isEqualTo("not_found");
        assertThat(api.delete("/api/v1/tenants/no-such-tenant", ADMIN).status()).isEqualTo(404);
        assertThat(api.patch("/api/v1/tenants/no-such-tenant", ADMIN, "{\"name\":\"x\"}")
                        .status())
                .isEqualTo(404);
    }
}
