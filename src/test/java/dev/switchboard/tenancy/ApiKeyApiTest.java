package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ApiKeyApiTest extends ServerTest {

    @Test
    void aKeyIsShownOnceAndStoredOnlyAsAHash() {
        String tenant = newTenant();
        var created = api.post(
                "/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"deploy bot\",\"role\":\"admin\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode k = created.json();
        String key = k.get("key").asString();
        String id = k.get("id").asString();
        assertThat(id).matches("key_[0-9a-z]{26}");
        assertThat(key).startsWith("sb_").hasSizeGreaterThan(60);
        assertThat(k.get("role").asString()).isEqualTo("admin");
        assertThat(key).startsWith(k.get("prefix").asString());

        var list = api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(key).doesNotContain(key.substring(30));
        assertThat(list.json().get("data").get(0).has("key")).isFalse();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/api-keys/" + id, ADMIN)
                        .body())
                .doesNotContain(key.substring(30));

        byte[] stored = jdbc.sql("SELECT secret_hash FROM api_keys WHERE id = :id")
                .param("id", id)
                .query(byte[].class)
                .single();
        assertThat(stored).hasSize(32).isEqualTo(ApiKeyTokens.sha256(key));
        String everything = jdbc.sql("SELECT id || name || prefix FROM api_keys WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        assertThat(everything).doesNotContain(key.substring(30));

        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnce() {
        String tenant = newTenant();
        String admin = newKey(tenant, "admin");
        var created =
                api.post("/api/v1/tenants/" + tenant + "/api-keys", admin, "{\"name\":\"temp\",\"role\":\"viewer\"}");
        String key = created.json().get("key").asString();
        String id = created.json().get("id").asString();
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/tenants/" + tenant + "/api-keys/" + id, admin)
                        .status())
                .isEqualTo(204);
        var rejected = api.get("/api/v1/tenants/" + tenant, key);
        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(api.get("/api/v1/tenants/" + tenant + "/api-keys/" + id, admin)
                        .json()
                        .get("revokedAt")
                        .isNull())
                .isFalse();
        // Revoking again is harmless; revoking a key that never existed is a 404.
        assertThat(api.delete("/api/v1/tenants/" + tenant + "/api-keys/" + id, admin)
                        .status())
                .isEqualTo(204);
        assertThat(api.delete("/api/v1/tenants/" + tenant + "/api-keys/key_nope", admin)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void keysThatAreAlmostRightAreRejected() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String last = key.substring(key.length() - 1);
        for (String wrong : new String[] {
            key.substring(0, key.length() - 1) + (last.equals("A") ? "B" : "A"),
            key + "x",
            key.substring(0, key.length() - 1),
            key.toUpperCase(),
            "sb_",
            "",
            "Bearer",
            ADMIN + "x",
            ADMIN.substring(1)
        }) {
            assertThat(api.get("/api/v1/tenants/" + tenant, wrong).status())
                    .as(wrong)
                    .isEqualTo(401);
        }
        var basic = api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/api/v1/tenants"))
                .header("Authorization", "Basic " + key)
                .build());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("code").asString()).isEqualTo("unauthorized");
    }

    @Test
    void aKeyOfAnotherTenantCannotBeSeenOrRevoked() {
        String a = newTenant();
        String b = newTenant();
        var created = api.post("/api/v1/tenants/" + a + "/api-keys", ADMIN, "{\"name\":\"x\",\"role\":\"viewer\"}");
        String id = created.json().get("id").asString();
        String bAdmin = newKey(b, "admin");
        // Even naming the key under its own tenant's path gives nothing away.
        assertThat(api.get("/api/v1/tenants/" + b + "/api-keys/" + id, bAdmin).status())
                .isEqualTo(404);
        assertThat(api.delete("/api/v1/tenants/" + b + "/api-keys/" + id, bAdmin)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + a, created.json().get("key").asString())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void pagesKeys() {
        String tenant = newTenant();
        for (int i = 0; i < 5; i++) newKey(tenant, "viewer");
        var first = api.get("/api/v1/tenants/" + tenant + "/api-keys?limit=2", ADMIN);
        assertThat(first.json().get("data").size()).isEqualTo(2);
        java.util.Set<String> ids = new java.util.HashSet<>();
        String cursor = first.json().get("nextCursor").asString();
        first.json().get("data").forEach(k -> ids.add(k.get("id").asString()));
        while (cursor != null) {
            var page = api.get("/api/v1/tenants/" + tenant + "/api-keys?limit=2&cursor=" + cursor, ADMIN);
            page.json().get("data").forEach(k -> ids.add(k.get("id").asString()));
            cursor = page.json().get("nextCursor").isNull()
                    ? null
                    : page.json().get("nextCursor").asString();
        }
        assertThat(ids).hasSize(5);
    }
}
