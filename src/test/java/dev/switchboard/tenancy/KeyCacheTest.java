package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's cache of API keys it read ({@link VerifiedKeys}, 5 s by default): a key revoked or a
 * tenant disabled through this node is refused from the next request; one revoked behind its back
 * (as another node would, straight in the database) is refused once the TTL has passed; a wrong
 * secret for a cached key id is refused.
 */
class KeyCacheTest extends ServerTest {

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aKeyRevokedHereIsRefusedOnItsNextRequest() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String id = keyId(tenant);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/tenants/" + tenant + "/api-keys/" + id, ADMIN)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(401);
    }

    @Test
    void aTenantDisabledHereHasItsKeysRefusedAtOnce() {
        String tenant = newTenant();
        String key = newKey(tenant, "viewer");
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/tenants/" + tenant, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(401);

        assertThat(api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":false}")
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
    }

    @Test
    void aKeyRevokedByAnotherNodeIsRefusedWithinTheTtl() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String id = keyId(tenant);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);

        // Another node revokes it: only the database knows.
        int updated = jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE id = :id")
                .param("now", OffsetDateTime.now())
                .param("id", id)
                .update();
        assertThat(updated).isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(401);
    }

    @Test
    void aCachedKeyIdWithAnotherSecretIsRefused() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);

        char last = key.charAt(key.length() - 1);
        String forged = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(ApiKeyTokens.keyIdOf(forged)).isEqualTo(ApiKeyTokens.keyIdOf(key));
        assertThat(api.get("/api/v1/tenants/" + tenant, forged).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
    }

    private String keyId(String tenant) {
        return jdbc.sql("SELECT id FROM api_keys WHERE tenant_id = :t")
                .param("t", tenant)
                .query(String.class)
                .single();
    }
}
