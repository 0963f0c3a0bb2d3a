package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.OutboxDouble.Answer;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;

/**
 * Two server processes on one PostgreSQL; a job's call is in flight at a provider that holds its
 * answer when the node making the call is killed (SIGKILL). After the lease (short here) the other
 * node sends it again with the same {@code Idempotency-Key}: the provider sees that key twice and no
 * more, the job ends succeeded with the one attempt the living node recorded, and the jobs queued
 * meanwhile are each sent once. Runs in the PostgreSQL pass (H2 is one process's database).
 */
@EnabledIf(
        value = "dev.switchboard.testing.TestServices#suiteOnPostgres",
        disabledReason = "runs in the PostgreSQL pass")
class OutboxKillTest {

    static final String ADMIN = TestKeys.ADMIN_KEY;

    @Test
    void aJobInFlightOnAKilledNodeIsSentByTheOtherWithTheSameKeyAndNothingIsLost() throws Exception {
        Map<String, String> p = new HashMap<>(TestDatabase.postgres());
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.egress.operator-allowed-networks", "127.0.0.0/8");
        p.put("switchboard.outbox.poll-interval", "200ms");
        // A dead node's job is taken over when its lease ends; the lease is twice the call's deadline.
        p.put("switchboard.gateway.deadline", "10s");
        p.put("switchboard.outbox.lease", "20s");
        if (TestServices.suiteRedisUrl() != null) p.put("switchboard.outbound.redis-url", TestServices.suiteRedisUrl());

        CountDownLatch hold = new CountDownLatch(1);
        try (OutboxDouble provider = new OutboxDouble();
                ServerProcess a = ServerProcess.start("outbox-kill-a", p, ServerProcess.freePort());
                ServerProcess b = ServerProcess.start("outbox-kill-b", p, ServerProcess.freePort())) {
            String tenant = "kill-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(a.api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + tenant + "\",\"name\":\"Kill\"}")
                            .status())
                    .isEqualTo(201);
            String providerKey = "killed-" + UUID.randomUUID().toString().substring(0, 8);
            var added = a.api.post("/api/v1/providers", ADMIN, """
                    {"key":"%s","name":"Held API","category":"payment","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                     "headers":{},"healthCheck":null,
                     "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                     "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, provider.url("/v1")));
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            var c = a.api.post(
                    "/api/v1/tenants/" + tenant + "/connections",
                    ADMIN,
                    "{\"provider\":\"" + providerKey
                            + "\",\"name\":\"Held\",\"credentials\":{\"apiKey\":\"sk_kill\"}}");
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            String connection = c.json().get("id").asString();
            String outbox = "/api/v1/tenants/" + tenant + "/outbox";

            // The first call to arrive is held: its node is killed while it waits for the answer.
            provider.then(Answer.held(hold));
            String held = queue(a.api, outbox, connection, "/charges/held", "charge-held-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> provider.requests.size() == 1);
            var first = provider.requests.getFirst();
            assertThat(first.header("Idempotency-Key")).isEqualTo("charge-held-1");
            ServerProcess caller = owner(first.remotePort(), provider.port(), a, b);
            ServerProcess survivor = caller == a ? b : a;
            caller.kill();

            // Queued after the kill, through the survivor: each is sent once.
            List<String> later = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                later.add(queue(survivor.api, outbox, connection, "/charges/later-" + i, "charge-later-" + i));
            }
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> status(survivor.api, outbox, held).equals("succeeded")
                            && later.stream()
                                    .allMatch(id ->
                                            status(survivor.api, outbox, id).equals("succeeded")));

            Map<String, Long> perKey = provider.requests.stream()
                    .collect(Collectors.groupingBy(r -> r.header("Idempotency-Key"), Collectors.counting()));
            // The call in flight at the kill: twice, with the same key. Nothing else twice.
            assertThat(perKey.get("charge-held-1")).isEqualTo(2L);
            for (int i = 0; i < 20; i++)
                assertThat(perKey.get("charge-later-" + i))
                        .as("charge-later-" + i)
                        .isEqualTo(1L);
            assertThat(provider.requests).hasSize(22);
            JsonNode job = survivor.api.get(outbox + "/" + held, ADMIN).json();
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
            assertThat(job.get("history")).hasSize(1);
            assertThat(job.get("history").get(0).get("statusCode").asInt()).isEqualTo(200);
            System.out.printf(
                    "outbox kill -9: the held call was taken over by the other node; %d calls for 21 jobs%n",
                    provider.requests.size());
        } finally {
            hold.countDown();
        }
    }

    static String queue(Api api, String outbox, String connection, String path, String key) {
        var r = api.post(
                outbox,
                ADMIN,
                "{\"connection\":\"" + connection + "\",\"idempotencyKey\":\"" + key
                        + "\",\"request\":{\"method\":\"POST\",\"path\":\"" + path + "\",\"body\":{\"amount\":5}}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    static String status(Api api, String outbox, String id) {
        return api.get(outbox + "/" + id, ADMIN).json().get("status").asString();
    }

    /**
     * The server process whose socket has local port {@code clientPort} connected to {@code
     * serverPort}: the socket's inode from /proc/net/tcp*, then which process has it open (Linux).
     */
    static ServerProcess owner(int clientPort, int serverPort, ServerProcess... candidates) throws IOException {
        String local = String.format(":%04X", clientPort);
        String remote = String.format(":%04X", serverPort);
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path t = Path.of(table);
            if (!Files.exists(t)) continue;
            for (String line : Files.readAllLines(t)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) inode = f[9];
            }
        }
        assertThat(inode).as("the calling socket in /proc/net/tcp").isNotNull();
        String link = "socket:[" + inode + "]";
        for (ServerProcess candidate : candidates) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(candidate.pid()), "fd"))) {
                boolean has = fds.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).toString().equals(link);
                    } catch (IOException gone) {
                        return false;
                    }
                });
                if (has) return candidate;
            }
        }
        throw new AssertionError("no server process holds the socket " + link);
    }
}
