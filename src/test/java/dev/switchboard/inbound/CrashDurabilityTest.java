package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A server process is killed with SIGKILL while receiving signed webhooks; after a restart on the
 * same database, every request that got a 2xx is there. Runs on the suite's database. Ingest
 * group-commits (many requests per transaction, each answered after its batch's commit): this is
 * the test that the answer never runs ahead of the commit.
 */
class CrashDurabilityTest {

    @Test
    void everyAcknowledgedWebhookSurvivesAKill9() throws Exception {
        Map<String, String> db = TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2();
        int port = ServerProcess.freePort();
        ServerProcess first = ServerProcess.start("crash-test-server", db, port);
        ServerProcess server = first;
        Api api = first.api;
        String tenant = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            assertThat(api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"" + tenant + "\",\"name\":\"Crash\"}")
                            .status())
                    .isEqualTo(201);
            var source = api.post(
                            "/api/v1/tenants/" + tenant + "/sources",
                            TestKeys.ADMIN_KEY,
                            "{\"name\":\"GitHub\",\"provider\":\"github\"}")
                    .json();
            String path = "/webhooks/" + source.get("id").asString();
            String secret = source.get("secret").asString();

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 8; t++) {
                    pool.submit(() -> {
                        // Bounded: each sender stops after 2,000 requests or when the server is gone.
                        for (int i = 0; i < 2000 && !stop.get(); i++) {
                            String body = "{\"ref\":\"refs/heads/main\",\"n\":\"" + UUID.randomUUID() + "\"}";
                            try {
                                sent.incrementAndGet();
                                var r = api.send(HttpRequest.newBuilder(URI.create(api.base() + path))
                                        .header("Content-Type", "application/json")
                                        .header("X-GitHub-Event", "push")
                                        .header(
                                                "X-GitHub-Delivery",
                                                UUID.randomUUID().toString())
                                        .header("X-Hub-Signature-256", Signers.github(secret, body))
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build());
                                if (r.status() == 200)
                                    acknowledged.add(r.json().get("id").asString());
                            } catch (RuntimeException serverGone) {
                                if (!first.isAlive()) return;
                            }
                        }
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 300);
                first.kill(); // SIGKILL, mid-stream
                stop.set(true);
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);

            server = ServerProcess.start("crash-test-server", db, port);
            Set<String> missing = acknowledged.stream()
                    .filter(id -> api.get("/api/v1/tenants/" + tenant + "/events/" + id, TestKeys.ADMIN_KEY)
                                    .status()
                            != 200)
                    .collect(Collectors.toSet());
            assertThat(missing).as("acknowledged but lost after kill -9").isEmpty();
            // Rows, counted: at least one per 200 (a row committed as the process died has no 200), no more than were
            // sent.
            long rows = api.get("/api/v1/tenants/" + tenant + "/events?summary=true&limit=1", TestKeys.ADMIN_KEY)
                    .json()
                    .get("summary")
                    .get("providers")
                    .get("github")
                    .asLong();
            assertThat(rows).isBetween((long) acknowledged.size(), (long) sent.get());
            System.out.printf(
                    "kill -9 during ingest (group commit): %d answered 200, %d rows after restart, %d sent%n",
                    acknowledged.size(), rows, sent.get());
        } finally {
            server.close();
        }
    }
}
