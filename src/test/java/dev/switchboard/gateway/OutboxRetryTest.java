package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.OutboxDouble.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Which answers an outbox job is retried on, and when: network errors, 5xx and 429 after 2^n s
 * ±25 % (or the provider's longer Retry-After); any other 4xx fails the job at once. Time moves on
 * the shared clock; nobody sleeps.
 */
class OutboxRetryTest extends OutboxTestBase {

    static final String POST = "{\"method\":\"POST\",\"path\":\"/charges\",\"body\":{\"amount\":1}}";

    /** The only attempt so far, or the last one. */
    static JsonNode lastAttempt(JsonNode job) {
        JsonNode history = job.get("history");
        return history.get(history.size() - 1);
    }

    /** How long after the attempt started its retry is due, less the attempt's own latency. */
    static Duration retryDelay(JsonNode attempt) {
        Instant at = Instant.parse(attempt.get("attemptedAt").asString());
        Instant retry = Instant.parse(attempt.get("retryAt").asString());
        return Duration.between(at, retry);
    }

    static void assertWithin(JsonNode attempt, Duration low, Duration high) {
        Duration d = retryDelay(attempt);
        // The delay counts from the end of the call; the attempt is stamped at its start.
        Duration latency = Duration.ofMillis(attempt.get("latencyMs").asLong());
        assertThat(d)
                .as(attempt.toString())
                .isBetween(low.plus(latency), high.plus(latency).plusMillis(1));
    }

    @Test
    void serverErrorsThrottlingAndNetworkErrorsAreRetriedWithJitterInsideAQuarter() {
        for (Answer first : List.of(Answer.of(500), Answer.of(502), Answer.of(503), Answer.of(429), Answer.dropped())) {
            provider.requests.clear();
            provider.then(first);
            String id = queue(POST, "\"maxAttempts\":3");
            JsonNode waiting = awaitJob(id, j -> j.get("attempts").asInt() == 1);
            assertThat(waiting.get("status").asString()).isEqualTo("queued");
            JsonNode attempt = lastAttempt(waiting);
            assertThat(attempt.get("outcome").asString()).isEqualTo(first.drop() ? "NETWORK_ERROR" : "RETRYABLE");
            if (!first.drop()) assertThat(attempt.get("statusCode").asInt()).isEqualTo(first.status());
            // After the first attempt: 2 s ±25 %.
            assertWithin(attempt, Duration.ofMillis(1500), Duration.ofMillis(2500));
            assertThat(provider.requests).hasSize(1);

            // Not before it is due...
            worker.wake();
            assertThat(job(id).get("attempts").asInt()).isEqualTo(1);
            // ...and sent again once it is, with the same idempotency key.
            advance(retryDelay(attempt).plusMillis(100));
            JsonNode done = awaitStatus(id, "succeeded");
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(provider.requests).hasSize(2);
            assertThat(provider.requests)
                    .extracting(r -> r.header("Idempotency-Key"))
                    .containsOnly(id);
        }
        assertThat(eventTypes()).isEmpty();
    }

    @Test
    void theJitterSpansAQuarterEitherWayAndDoublesEachAttempt() {
        // The lowest and highest random numbers: the delays are 0.75 and (nearly) 1.25 of 2^n s.
        worker.useRandom(() -> 0.0);
        provider.then(Answer.of(500), Answer.of(500), Answer.of(500));
        String id = queue(POST, "\"maxAttempts\":4");
        JsonNode one = awaitJob(id, j -> j.get("attempts").asInt() == 1);
        assertWithin(lastAttempt(one), Duration.ofMillis(1500), Duration.ofMillis(1500));

        worker.useRandom(() -> 0.999_999);
        advance(Duration.ofSeconds(2));
        JsonNode two = awaitJob(id, j -> j.get("attempts").asInt() == 2);
        assertWithin(lastAttempt(two), Duration.ofMillis(4999), Duration.ofMillis(5000));

        worker.useRandom(() -> 0.5);
        advance(Duration.ofSeconds(6));
        JsonNode three = awaitJob(id, j -> j.get("attempts").asInt() == 3);
        assertWithin(lastAttempt(three), Duration.ofSeconds(8), Duration.ofSeconds(8));

        // The last attempt fails too: the job is failed (the dead-letter list), with an event.
        provider.then(Answer.of(500));
        advance(Duration.ofSeconds(9));
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(4);
        assertThat(failed.get("lastError").asString()).contains("HTTP 500", "no attempts left");
        assertThat(lastAttempt(failed).get("retryAt").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes().contains(OutboxWorker.JOB_FAILED));
        JsonNode data = dev.switchboard.testing.Api.JSON
                .readTree(events.requests.getFirst().body())
                .get("data");
        assertThat(data.get("jobId").asString()).isEqualTo(id);
        assertThat(data.get("attempts").asInt()).isEqualTo(4);
        assertThat(data.get("lastStatusCode").asInt()).isEqualTo(500);
        assertThat(api.get(outbox + "?status=failed", ADMIN).json().get("data"))
                .extracting(j -> j.get("id").asString())
                .containsExactly(id);
    }

    @Test
    void otherClientErrorsFailAtOnce() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int status : List.of(400, 401, 404, 422)) {
            provider.requests.clear();
            provider.then(Answer.of(status, Map.of("Content-Type", "application/json"), "{\"error\":\"no\"}"));
            String id = queue(POST, null);
            ids.add(id);
            JsonNode failed = awaitStatus(id, "failed");
            assertThat(failed.get("attempts").asInt()).isEqualTo(1);
            assertThat(failed.get("lastStatusCode").asInt()).isEqualTo(status);
            assertThat(lastAttempt(failed).get("outcome").asString()).isEqualTo("REJECTED");
            assertThat(lastAttempt(failed).get("responseExcerpt").asString()).contains("no");
            advance(Duration.ofHours(2));
            assertThat(job(id).get("status").asString()).isEqualTo("failed");
            assertThat(provider.requests).hasSize(1);
        }
        // One failure event per job (webhooks are delivered at least once: count the jobs, not deliveries).
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events.requests.stream()
                                .map(r -> dev.switchboard.testing.Api.JSON.readTree(r.body()))
                                .filter(e -> e.get("type").asString().equals(OutboxWorker.JOB_FAILED))
                                .map(e -> e.get("data").get("jobId").asString())
                                .collect(java.util.stream.Collectors.toSet()))
                        .isEqualTo(ids));
    }

    @Test
    void aLongerRetryAfterIsHonouredAndAShorterOneIsNot() {
        provider.then(Answer.of(503, Map.of("Retry-After", "120"), ""));
        String id = queue(POST, null);
        JsonNode waiting = awaitJob(id, j -> j.get("attempts").asInt() == 1);
        assertWithin(lastAttempt(waiting), Duration.ofSeconds(120), Duration.ofSeconds(120));
        advance(Duration.ofSeconds(60));
        assertThat(job(id).get("attempts").asInt()).isEqualTo(1);
        advance(Duration.ofSeconds(61));
        awaitStatus(id, "succeeded");

        provider.then(Answer.of(429, Map.of("Retry-After", "1"), ""));
        String throttled = queue(POST, null);
        JsonNode soon = awaitJob(throttled, j -> j.get("attempts").asInt() == 1);
        // Asking for 1 s when the backoff is 2 s ±25 %: the backoff wins.
        assertWithin(lastAttempt(soon), Duration.ofMillis(1500), Duration.ofMillis(2500));

        // An HTTP-date works too. It names a moment, so the retry is due at that moment however long
        // the queueing took (the shared clock runs on in real time between here and the attempt).
        Instant named = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        provider.then(Answer.of(
                429,
                Map.of(
                        "Retry-After",
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                named.atZone(java.time.ZoneOffset.UTC))),
                ""));
        String dated = queue(POST, null);
        JsonNode later = lastAttempt(awaitJob(dated, j -> j.get("attempts").asInt() == 1));
        assertThat(Instant.parse(later.get("retryAt").asString()))
                .as(later.toString())
                .isEqualTo(named);
    }
}
