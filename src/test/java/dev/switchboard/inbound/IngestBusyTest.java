package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Ingest with a group-commit queue of two rows, on a server of its own (closed after this class,
 * background workers off): when the queue is full, a webhook is answered 503 {@code ingest_busy}
 * with Retry-After at once, never a 500 and never a wait; what was answered 200 is stored.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IngestBusyTest extends InboundTestBase {

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("switchboard.inbound.group-commit.queue-capacity", () -> "2");
        registry.add("switchboard.inbound.processing.enabled", () -> "false");
        registry.add("switchboard.outbound.enabled", () -> "false");
    }

    @Autowired
    IngestWriter writer;

    @Test
    void aFullQueueAnswers503WithRetryAfterAndNever500() throws Exception {
        String tenant = newTenant();
        Created source = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        int sending = 16;
        List<Api.Response> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Api.Response>> sent = new ArrayList<>();
            writer.writing.writeLock().lock(); // writers held: the queue fills and stays full
            try {
                for (int i = 0; i < sending; i++) {
                    // GitHub events are told apart by their signed body, not the delivery header.
                    String body = "{\"ref\":\"refs/heads/main\",\"n\":" + i + "}";
                    Map<String, String> headers = Map.of(
                            "X-GitHub-Event", "push",
                            "X-GitHub-Delivery", UUID.randomUUID().toString(),
                            "X-Hub-Signature-256", Signers.github(source.secret(), body));
                    sent.add(pool.submit(() -> post(source.ingestPath(), "application/json", body, headers)));
                }
                // Two queued, at most one in each writer's hand: the rest are answered while the writers are held.
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> sent.stream().filter(Future::isDone).count() >= sending - 2 - 2);
            } finally {
                writer.writing.writeLock().unlock();
            }
            for (Future<Api.Response> f : sent) answers.add(f.get());
        }
        List<Api.Response> busy =
                answers.stream().filter(a -> a.status() == 503).toList();
        List<Api.Response> stored =
                answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(busy.size() + stored.size()).as(answers.toString()).isEqualTo(sending);
        assertThat(busy).hasSizeGreaterThanOrEqualTo(sending - 4);
        assertThat(busy).allSatisfy(a -> {
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.json().get("code").asString()).isEqualTo("ingest_busy");
            assertThat(a.header("Retry-After")).isEqualTo("1");
        });
        assertThat(stored).isNotEmpty();
        for (Api.Response a : stored)
            assertThat(event(tenant, a.json().get("id").asString())
                            .get("sourceId")
                            .asString())
                    .isEqualTo(source.id());
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :s")
                        .param("s", source.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(stored.size());

        // Once the queue has drained, the same sender is served again.
        String body = "{\"ref\":\"refs/heads/main\",\"n\":\"after\"}";
        Map<String, String> headers = Map.of(
                "X-GitHub-Event", "push",
                "X-GitHub-Delivery", UUID.randomUUID().toString(),
                "X-Hub-Signature-256", Signers.github(source.secret(), body));
        assertThat(post(source.ingestPath(), "application/json", body, headers).status())
                .isEqualTo(200);
    }
}
