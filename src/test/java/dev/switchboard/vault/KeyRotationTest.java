package dev.switchboard.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Online key rotation with real server processes on the suite's database: secrets stored under
 * key 1; the server restarts with key 2 added as primary; a re-wrap moves every secret to key 2
 * while 8 threads read and write credentials (zero failures); then key 1 is retired and a server
 * with key 2 alone still reads everything.
 */
class KeyRotationTest {

    @Test
    void rotateTheVaultKeyWhileSecretsAreReadAndWritten() throws Exception {
        Map<String, String> db =
                new HashMap<>(TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2());
        db.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        db.put("switchboard.egress.operator-allowed-networks", "127.0.0.0/8");
        String k1 = TestKeys.KEYSET;
        String k2 = Keysets.addKey(k1, true);
        int port = ServerProcess.freePort();
        String tenant = "rot-" + UUID.randomUUID().toString().substring(0, 8);
        String base = "/api/v1/tenants/" + tenant;
        String provider = "vault-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> connections = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();

        db.put("switchboard.keyset", k1);
        try (ServerProcess first = ServerProcess.start("rotation-1", db, port)) {
            Api api = first.api;
            assertThat(api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"" + tenant + "\",\"name\":\"R\"}")
                            .status())
                    .isEqualTo(201);
            var added = api.post("/api/v1/providers", TestKeys.ADMIN_KEY, """
                    {"key":"%s","name":"Vaulted","category":"other","authType":"api_key","authorizationUrl":null,
                     "tokenUrl":null,"defaultScopes":[],"apiBaseUrl":"http://127.0.0.1:9","credentialFields":
                     [{"name":"apiKey","label":"Key","secret":true}],"configFields":[],"auth":{"in":"header",
                     "name":"X-Key","prefix":"","field":"apiKey"},"headers":{},"healthCheck":null,"rateLimits":null,
                     "webhookScheme":null,"docsUrl":null}""".formatted(provider));
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            for (int i = 0; i < 20; i++) {
                var c = api.post(
                        base + "/connections",
                        TestKeys.ADMIN_KEY,
                        "{\"provider\":\"" + provider + "\",\"name\":\"c" + i
                                + "\",\"credentials\":{\"apiKey\":\"secret-" + i + "-abcdefgh\"}}");
                assertThat(c.status()).as(c.toString()).isEqualTo(201);
                connections.add(c.json().get("id").asString());
            }
            for (int i = 0; i < 5; i++) {
                var e = api.post(
                        base + "/endpoints",
                        TestKeys.ADMIN_KEY,
                        "{\"url\":\"http://127.0.0.1:9/e" + i
                                + "\",\"disabled\":true,\"headers\":{\"Authorization\":\"Bearer t" + i + "\"}}");
                endpoints.add(e.json().get("id").asString());
            }
        }

        int key1 = keyIds(k1).getFirst();
        db.put("switchboard.keyset", k2);
        try (ServerProcess second = ServerProcess.start("rotation-2", db, port)) {
            Api api = second.api;
            JsonNode before = api.get("/api/v1/admin/vault", TestKeys.ADMIN_KEY).json();
            int key2 = before.get("primaryKeyId").asInt();
            assertThat(key2).isNotEqualTo(key1);
            long total = sum(before.get("rowsByKey"));
            assertThat(before.get("rowsByKey").get(String.valueOf(key1)).asLong())
                    .isEqualTo(total)
                    .isGreaterThanOrEqualTo(30);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger operations = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 8; t++) {
                    int me = t;
                    pool.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String c = connections.get((me * 7 + i) % connections.size());
                            var r = switch (i % 3) {
                                case 0 ->
                                    api.patch(
                                            base + "/connections/" + c,
                                            TestKeys.ADMIN_KEY,
                                            "{\"credentials\":{\"apiKey\":\"rotated-" + me + "-" + i + "-abcdefgh\"}}");
                                case 1 -> api.post(base + "/connections/" + c + "/check", TestKeys.ADMIN_KEY, "{}");
                                default ->
                                    api.get(
                                            base + "/endpoints/" + endpoints.get(i % endpoints.size()) + "/secret",
                                            TestKeys.ADMIN_KEY);
                            };
                            operations.incrementAndGet();
                            if (r.status() >= 300) failures.add(r.toString());
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() > 100);
                assertThat(api.post("/api/v1/admin/vault/rewrap", TestKeys.ADMIN_KEY, null)
                                .status())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    JsonNode s =
                            api.get("/api/v1/admin/vault", TestKeys.ADMIN_KEY).json();
                    return !s.get("running").asBoolean()
                            && s.get("rowsByKey").get(String.valueOf(key1)).asLong() == 0;
                });
                int at = operations.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() > at + 100);
                stop.set(true);
            }
            assertThat(failures).as("requests that failed during the rotation").isEmpty();
            JsonNode after = api.get("/api/v1/admin/vault", TestKeys.ADMIN_KEY).json();
            assertThat(after.get("rowsByKey").get(String.valueOf(key1)).asLong())
                    .isZero();
            assertThat(after.get("rowsByKey").get(String.valueOf(key2)).asLong())
                    .isEqualTo(total);
        }

        // Key 1 protects nothing now: retire it, and a server without it reads every secret.
        db.put("switchboard.keyset", Keysets.retire(k2, key1));
        try (ServerProcess third = ServerProcess.start("rotation-3", db, port)) {
            for (String e : endpoints) {
                assertThat(third.api
                                .get(base + "/endpoints/" + e + "/secret", TestKeys.ADMIN_KEY)
                                .status())
                        .isEqualTo(200);
            }
            for (String c : connections) {
                assertThat(third.api
                                .post(base + "/connections/" + c + "/check", TestKeys.ADMIN_KEY, "{}")
                                .status())
                        .isEqualTo(200);
            }
            assertThat(third.api
                            .get("/api/v1/admin/vault", TestKeys.ADMIN_KEY)
                            .json()
                            .get("keyIds")
                            .size())
                    .isEqualTo(1);
        }
    }

    private static long sum(JsonNode byKey) {
        long n = 0;
        for (JsonNode v : byKey) n += v.asLong();
        return n;
    }

    private static List<Integer> keyIds(String keyset) throws Exception {
        com.google.crypto.tink.aead.AeadConfig.register();
        var handle = com.google.crypto.tink.TinkJsonProtoKeysetFormat.parseKeyset(
                keyset, com.google.crypto.tink.InsecureSecretKeyAccess.get());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) ids.add(handle.getAt(i).getId());
        return ids;
    }
}
