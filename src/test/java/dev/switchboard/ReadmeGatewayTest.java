package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.LocalProviders;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the README's gateway walk-through, as written, against the real server and the local Stripe
 * stand-in the README starts ({@code -Dbench=provider-double}, here on a free port): a call queued
 * and sent, a burst of 100 paced at Stripe's test-mode limit with no 429, a proxied read, and every
 * call in the call log.
 */
class ReadmeGatewayTest extends ServerTest {

    @Test
    void theGatewayWalkThroughWorksAsWritten() throws Exception {
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        clock.reset();
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        try (LocalProviders stripe = new LocalProviders(0, 25, null)) {
            String out = ReadmeBlock.named("gateway")
                    .replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:12111", "127.0.0.1:" + stripe.port())
                    .replace("localhost:12111", "127.0.0.1:" + stripe.port())
                    .replace("/tenants/acme/", "/tenants/" + tenant + "/")
                    .env("ACME", key)
                    .run(Duration.ofSeconds(150));

            assertThat(out)
                    .contains("\"provider\":\"stripe\"")
                    .contains("\"environment\":\"test\"")
                    .contains("\"state\":\"active\"")
                    .contains("\"perSecond\":25")
                    .contains("\"source\":\"catalog\"")
                    .contains("\"email\":\"jenny@example.com\"")
                    .doesNotContain("sk_test_walkthrough_4242")
                    .doesNotContain("\"code\":");
            // The single job and the burst: 101 jobs succeeded, each one call.
            var jobs = api.get("/api/v1/tenants/" + tenant + "/outbox?limit=1000", key)
                    .json()
                    .get("data");
            assertThat(jobs.size()).isEqualTo(101);
            for (JsonNode job : jobs) assertThat(job.get("status").asString()).isEqualTo("succeeded");
            // Never early: the stand-in, enforcing Stripe's test-mode limit on its own clock, refused none.
            assertThat(out).containsPattern("100 calls queued and sent in \\d+s");
            // And the limit was in play: when the 100 were queued faster than 25/s (not on a machine too
            // loaded to queue them that fast), sending them took the 3 s the bucket needs.
            List<Instant> created = new ArrayList<>();
            List<Instant> completed = new ArrayList<>();
            for (JsonNode job : jobs) {
                if (!job.path("idempotencyKey").isString()) {
                    created.add(Instant.parse(job.get("createdAt").asString()));
                    completed.add(Instant.parse(job.get("completedAt").asString()));
                }
            }
            assertThat(created).hasSize(100);
            Instant first = Collections.min(created);
            Duration queuing = Duration.between(first, Collections.max(created));
            Duration sending = Duration.between(first, Collections.max(completed));
            System.out.printf(
                    "100 jobs queued in %d ms, all sent %d ms after the first%n",
                    queuing.toMillis(), sending.toMillis());
            if (queuing.compareTo(Duration.ofSeconds(1)) < 0) {
                assertThat(sending).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
            }
            assertThat(stripe.apiRateLimited.get()).as("Stripe's 429s").isZero();
            assertThat(out).contains("\"rateLimited\":0");
            // Every call is in the call log, one row each: the key check, the outbox calls, the proxy.
            var calls = api.get("/api/v1/tenants/" + tenant + "/calls?limit=1000", key)
                    .json()
                    .get("data");
            Map<String, Integer> answered = new TreeMap<>();
            int unanswered = 0;
            for (JsonNode call : calls) {
                if (!call.get("origin").asString().equals("health_check")) {
                    // The key that queued the job, or that made the proxied call.
                    assertThat(call.path("actor").asString("")).startsWith("key:");
                }
                if (call.path("status").isNull() || call.path("status").isMissingNode()) unanswered++;
                else
                    answered.merge(
                            call.get("origin").asString() + " "
                                    + call.get("status").asInt(),
                            1,
                            Integer::sum);
            }
            assertThat(answered)
                    .containsEntry("health_check 200", 1)
                    .containsEntry("outbox 200", 101)
                    .containsEntry("proxy 200", 1);
            // A call that took longer than the test server's 2 s gateway deadline (a loaded machine) is a
            // row without a status, retried as another row; its request may or may not have arrived.
            assertThat(calls.size()).isEqualTo(103 + unanswered);
            assertThat(stripe.apiReceived.get()).isBetween(103, 103 + unanswered);
            if (unanswered == 0) {
                assertThat(out)
                        .containsPattern("\\s1 \"origin\":\"health_check\"")
                        .containsPattern("\\s101 \"origin\":\"outbox\"")
                        .containsPattern("\\s1 \"origin\":\"proxy\"");
            }
        }
    }

    /** The stand-in's limit is real: a sender that does not pace itself is refused, and a live key is a 401. */
    @Test
    void theStandInRefusesAnUnpacedBurstAndForeignKeys() throws Exception {
        try (LocalProviders stripe = new LocalProviders(0, 25, null);
                HttpClient http = HttpClient.newHttpClient()) {
            String balance = "http://127.0.0.1:" + stripe.port() + "/v1/balance";
            var refused = http.send(
                    HttpRequest.newBuilder(URI.create(balance))
                            .header("Authorization", "Bearer sk_live_nope")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            List<CompletableFuture<HttpResponse<Void>>> burst = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                burst.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create(balance))
                                .header("Authorization", "Bearer sk_test_x")
                                .build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            long tooMany = burst.stream()
                    .map(CompletableFuture::join)
                    .filter(r -> r.statusCode() == 429)
                    .count();
            assertThat(tooMany).isPositive().isEqualTo(stripe.apiRateLimited.get());
        }
    }
}
