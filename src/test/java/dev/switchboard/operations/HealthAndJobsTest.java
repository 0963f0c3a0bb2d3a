package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Backlog health and gauges, threshold rules (backlog, signature spikes), inbound failures, the job log. */
class HealthAndJobsTest extends OperationsTestBase {

    @Autowired
    Thresholds thresholds;

    @Autowired
    JobLog jobLog;

    @Autowired
    OperationsRetention retention;

    @Test
    void healthTurnsDegradedWithTheBacklogAndBackAndABacklogRuleAlertsAndRecovers() throws Exception {
        Receiver slow = receiver();
        Receiver ops = receiver();
        channel(null, "webhook", ops.url("/ops"));
        rule(null, "{\"kind\":\"backlog\",\"threshold\":" + BACKLOG_LIMIT + "}");
        assertThat(health().get("status").asString()).isEqualTo("UP");
        assertThat(health().get("components").get("backlog").get("status").asString())
                .isEqualTo("UP");

        // Deliveries held open by a receiver that does not answer yet: due, and waiting.
        String tenant = newTenant();
        CountDownLatch hold = new CountDownLatch(1);
        int n = BACKLOG_LIMIT + 3;
        for (int i = 0; i < n; i++) slow.then(new Answer(200, Map.of(), new byte[0], hold));
        api.post(base(tenant) + "/endpoints", ADMIN, "{\"url\":\"" + slow.url("/slow") + "\"}");
        try {
            for (int i = 0; i < n; i++) {
                assertThat(api.post(base(tenant) + "/messages", ADMIN, "{\"eventType\":\"a.b\",\"payload\":{}}")
                                .status())
                        .isEqualTo(202);
            }
            var degraded = api.get("/actuator/health", null);
            assertThat(degraded.status()).as("DEGRADED still serves traffic").isEqualTo(200);
            assertThat(degraded.json().get("status").asString()).isEqualTo("DEGRADED");
            assertThat(degraded.json()
                            .get("components")
                            .get("backlog")
                            .get("status")
                            .asString())
                    .isEqualTo("DEGRADED");
            var metrics = api.get("/actuator/prometheus", null).body();
            assertThat(metrics).contains("switchboard_backlog_waiting{name=\"outbound.deliveries.due\"} " + n + ".0");
            assertThat(metrics).contains("switchboard_backlog_oldest_seconds{name=\"inbound.events.waiting\"}");

            assertThat(thresholds.evaluate()).isEqualTo(1);
            assertThat(thresholds.evaluate())
                    .as("still over: within the window, not sent again")
                    .isZero();
            received(ops, 1);
            JsonNode alert = body(ops.requests.getFirst());
            assertThat(alert.get("kind").asString()).isEqualTo("backlog");
            assertThat(alert.get("subject").asString()).isEqualTo("outbound.deliveries.due");
            assertThat(alert.get("message").asString()).contains("holds " + n + " items");
        } finally {
            hold.countDown();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "UP".equals(health().get("status").asString()));
        assertThat(thresholds.evaluate()).isEqualTo(1);
        received(ops, 2);
        assertThat(body(ops.requests.get(1)).get("recovery").asBoolean()).isTrue();
        assertThat(body(ops.requests.get(1)).get("title").asString()).isEqualTo("Backlog back under its threshold");
    }

    @Test
    void aSpikeOfRejectedSignaturesOnASourceAlertsAndClears() throws Exception {
        String tenant = newTenant();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"signature_spike\",\"threshold\":3}");
        String source = api.post(base(tenant) + "/sources", ADMIN, "{\"name\":\"s\",\"provider\":\"token\"}")
                .json()
                .get("id")
                .asString();
        for (int i = 0; i < 3; i++) {
            var r = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + source))
                    .header("Authorization", "Bearer wrong-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"t\"}"))
                    .build());
            assertThat(r.status()).isEqualTo(401);
        }
        assertThat(thresholds.evaluate()).isEqualTo(1);
        received(slack, 1);
        assertThat(body(slack.requests.getFirst()).get("text").asString()).contains(source, "rejected 3 requests");
        // More failures within the rule's window: counted, not sent again.
        var again = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + source))
                .header("Authorization", "Bearer wrong-again")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"t\"}"))
                .build());
        assertThat(again.status()).isEqualTo(401);
        assertThat(thresholds.evaluate()).as("once per window").isZero();
        assertThat(alerts(tenant))
                .singleElement()
                .satisfies(a -> assertThat(a.get("occurrences").asInt()).isEqualTo(2));

        clock.advance(Duration.ofMinutes(6)); // past the spike window: the source is quiet again
        assertThat(thresholds.evaluate()).isEqualTo(1);
        received(slack, 2);
        assertThat(body(slack.requests.get(1)).get("text").asString()).startsWith("Resolved: ");
    }

    @Test
    void anInboundEventThatFailsProcessingAlerts() throws Exception {
        String tenant = newTenant();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"inbound_failed\"}");
        var source = api.post(base(tenant) + "/sources", ADMIN, "{\"name\":\"s\",\"provider\":\"token\"}")
                .json();
        var r = api.send(HttpRequest.newBuilder(
                        URI.create(api.base() + "/webhooks/" + source.get("id").asString()))
                .header("Authorization", "Bearer " + source.get("secret").asString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"x\",\"subject\":\"fail-always\"}"))
                .build());
        assertThat(r.status()).isEqualTo(200);
        received(slack, 1);
        assertThat(body(slack.requests.getFirst()).get("text").asString())
                .contains("Inbound event processing failed", r.json().get("id").asString());
    }

    @Test
    void jobRunsAreLoggedAndAFailingJobAlertsUntilItRunsAgain() throws Exception {
        Receiver ops = receiver();
        channel(null, "webhook", ops.url("/ops"));
        rule(null, "{\"kind\":\"job_failed\",\"severity\":\"critical\"}");
        String name = "test-job-" + UUID.randomUUID().toString().substring(0, 8);
        // Each entry is one batch: a number of items claimed, or -1 for a batch that throws.
        ConcurrentLinkedQueue<Integer> batches = new ConcurrentLinkedQueue<>();
        PollingWorker.recordRunsWith(jobLog);
        PollingWorker worker = new PollingWorker(name, Duration.ofMillis(50), 1000, () -> {
            Integer next = batches.poll();
            if (next == null) return 0;
            if (next < 0) throw new IllegalStateException("the job's database went away");
            if (next > 1) PollingWorker.itemsFailed(1);
            return next;
        });
        worker.start();
        try {
            batches.add(3);
            worker.wake();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jobs("?name=" + name).size() == 1);
            JsonNode run = jobs("?name=" + name).get(0);
            assertThat(run.get("processed").asInt()).isEqualTo(3);
            assertThat(run.get("succeeded").asInt()).isEqualTo(2);
            assertThat(run.get("failed").asInt()).isEqualTo(1);
            assertThat(run.get("error").isNull()).isTrue();
            assertThat(run.get("startedAt").asString()).isNotNull();

            batches.add(-1);
            worker.wake();
            received(ops, 1);
            JsonNode alert = body(ops.requests.getFirst());
            assertThat(alert.get("kind").asString()).isEqualTo("job_failed");
            assertThat(alert.get("severity").asString()).isEqualTo("critical");
            assertThat(alert.get("message").asString()).contains(name, "IllegalStateException");
            // "failed": a batch that threw, or one with items that failed.
            var failed = jobs("?name=" + name + "&failed=true");
            assertThat(failed).hasSize(2);
            assertThat(failed.get(0).get("error").asString())
                    .isEqualTo("IllegalStateException: the job's database went away");

            // Idle polls leave no rows; the next batch that works clears the alert.
            assertThat(jobs("?name=" + name)).hasSize(2);
            assertThat(jobs("?name=" + name + "&failed=false")).isEmpty();
            batches.add(1);
            worker.wake();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jobs("?name=" + name).size() == 3);
            assertThat(thresholds.evaluate()).isEqualTo(1);
            received(ops, 2);
            assertThat(body(ops.requests.get(1)).get("recovery").asBoolean()).isTrue();
        } finally {
            worker.stop();
        }
        // The server's own workers are in the log too (this one sent the alerts).
        assertThat(jobs("?name=alert-sender").size()).isPositive();
        assertThat(api.get("/api/v1/admin/jobs?from=yesterday", ADMIN).status()).isEqualTo(400);
        assertThat(jobs("?from=2999-01-01T00:00:00Z")).isEmpty();
    }

    @Test
    void alertsAndJobRunsArePurgedAfterTheirRetention() {
        String tenant = newTenant();
        String id = api.post(base(tenant) + "/alerts", ADMIN, "{\"title\":\"old\",\"message\":\"m\"}")
                .json()
                .get("id")
                .asString();
        jobLog.record(new PollingWorker.Run("retention-probe", Duration.ofMillis(5), 2, 0, null));
        assertThat(jobs("?name=retention-probe")).hasSize(1);
        clock.advance(Duration.ofDays(31));
        assertThat(retention.run(10)).isPositive();
        assertThat(jobs("?name=retention-probe")).isEmpty();
        assertThat(api.get(base(tenant) + "/alerts/" + id, ADMIN).status())
                .as("kept 90 days")
                .isEqualTo(200);
        clock.advance(Duration.ofDays(60));
        assertThat(retention.run(10)).isPositive();
        assertThat(api.get(base(tenant) + "/alerts/" + id, ADMIN).status()).isEqualTo(404);
    }

    private JsonNode health() {
        return api.get("/actuator/health", null).json();
    }

    private JsonNode jobs(String query) {
        var r = api.get("/api/v1/admin/jobs" + query, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("data");
    }
}
