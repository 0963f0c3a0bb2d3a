package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.inbound.Signers;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A server started from the build's ahead-of-time processed application context
 * ({@code -Dspring.aot.enabled=true}, README "Start-up"): the bean definitions Spring generated at
 * build time, not the ones it would find by scanning and evaluating conditions at start. The same
 * wiring must come out, so the tour, a signed webhook routed and delivered to an endpoint, and the
 * dashboard's sign-in page all work as on a normal start.
 */
class AotStartTest {

    static final String INITIALIZER = Switchboard.class.getName() + "__ApplicationContextInitializer";

    @Test
    void aServerStartedFromTheAotContextWorksAsOneStartedNormally() throws Exception {
        requireAotClasses();
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        Map<String, String> p =
                new HashMap<>(TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2());
        p.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        try (ServerProcess server = ServerProcess.start(
                        "aot-start", p, ServerProcess.freePort(), List.of("-Dspring.aot.enabled=true"));
                Receiver receiver = new Receiver()) {
            assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("target/aot-start.log")))
                    .as("the log of a start from the AOT context")
                    .doesNotContain("ERROR");
            ReadmeTourTest.runTour(server.port, TestKeys.ADMIN_KEY);
            deliversASignedWebhook(server.api, receiver);
            var signIn = server.api.get("/ui/sign-in", null);
            assertThat(signIn.status()).isEqualTo(200);
            assertThat(signIn.body()).contains("<form");
        }
    }

    @Test
    void aStartFromTheAotContextWithAManagementPortIsRefused() throws Exception {
        requireAotClasses();
        Map<String, String> p =
                new HashMap<>(TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2());
        p.put("management.server.port", String.valueOf(ServerProcess.freePort()));
        String log = ServerProcess.refusedStart("aot-management-port", p, List.of("-Dspring.aot.enabled=true"));
        // Not a silent start with /actuator/** on the public port: the reason, and the way out.
        assertThat(log).contains("SWITCHBOARD_MANAGEMENT_PORT").contains("start without -Dspring.aot.enabled=true");
    }

    private static void deliversASignedWebhook(Api api, Receiver receiver) throws Exception {
        String admin = TestKeys.ADMIN_KEY;
        assertThat(api.post("/api/v1/tenants", admin, "{\"id\":\"aot\",\"name\":\"AOT\"}")
                        .status())
                .isEqualTo(201);
        var source = api.post("/api/v1/tenants/aot/sources", admin, "{\"name\":\"GitHub\",\"provider\":\"github\"}")
                .json();
        var endpoint = api.post(
                "/api/v1/tenants/aot/endpoints",
                admin,
                "{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"github.push\"]}");
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        String n = UUID.randomUUID().toString();
        String body = "{\"ref\":\"refs/heads/main\",\"n\":\"" + n + "\"}";
        var ingest = api.send(HttpRequest.newBuilder(
                        URI.create(api.base() + "/webhooks/" + source.get("id").asString()))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header(
                        "X-Hub-Signature-256",
                        Signers.github(source.get("secret").asString(), body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(ingest.status()).as(ingest.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.requests.isEmpty());
        assertThat(receiver.requests.getFirst().text()).contains(n);
    }

    /**
     * The build generates the initializer (spring-boot-maven-plugin's process-aot, before the tests);
     * a run outside Maven may lack it. With CI=true that is a failure, not a skip.
     */
    private static void requireAotClasses() {
        try {
            Class.forName(INITIALIZER);
        } catch (ClassNotFoundException e) {
            if ("true".equals(System.getenv("CI")))
                fail(INITIALIZER + " is missing: the build's process-aot step did not run");
            assumeTrue(false, "no AOT classes (run through Maven: process-aot generates them before the tests)");
        }
    }
}
