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

/**
 * Ingest's group commit keeps the promises of one-request-one-commit: the same event sent many
 * times at once, landing in one batch or in several, is stored once and every request is told the
 * one id; and each answer comes after the commit.
 */
class GroupCommitTest extends InboundTestBase {

    @Autowired
    IngestWriter writer;

    @Test
    void duplicatesInOneBatchAndAcrossBatchesAreOneEvent() throws Exception {
        String tenant = newTenant();
        Created source = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String delivery = UUID.randomUUID().toString();
        String body = "{\"ref\":\"refs/heads/main\",\"n\":\"" + UUID.randomUUID() + "\"}";
        Map<String, String> headers = Map.of(
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                delivery,
                "X-Hub-Signature-256",
                Signers.github(source.secret(), body));

        List<Api.Response> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Api.Response>> sent = new ArrayList<>();
            // The writers are held, so the requests queue up and are written together when they are let go.
            writer.writing.writeLock().lock();
            try {
                for (int i = 0; i < 12; i++)
                    sent.add(pool.submit(() -> post(source.ingestPath(), "application/json", body, headers)));
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.queued() >= 12 - 2);
                assertThat(sent).noneMatch(Future::isDone); // nothing answered before its commit
            } finally {
                writer.writing.writeLock().unlock();
            }
            for (Future<Api.Response> f : sent) answers.add(f.get());
        }
        // And once more, in a batch of its own, after the first commit.
        answers.add(post(source.ingestPath(), "application/json", body, headers));

        assertThat(answers)
                .allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
        String id = answers.getFirst().json().get("id").asString();
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.json().get("id").asString()).isEqualTo(id));
        assertThat(answers.stream().filter(a -> !a.json().get("duplicate").asBoolean()))
                .as("exactly one request stored it")
                .hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :s")
                        .param("s", source.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_duplicates WHERE source_id = :s")
                        .param("s", source.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(12);
    }

    @Test
    void differentEventsInOneBatchAreEachStoredAndEachAnsweredWithItsOwnId() throws Exception {
        String tenant = newTenant();
        Created source = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        List<Api.Response> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Api.Response>> sent = new ArrayList<>();
            writer.writing.writeLock().lock();
            try {
                for (int i = 0; i < 10; i++) {
                    // GitHub events are told apart by their signed body, not the delivery header.
                    String body = "{\"ref\":\"refs/heads/main\",\"n\":" + i + "}";
                    Map<String, String> headers = Map.of(
                            "X-GitHub-Event", "push",
                            "X-GitHub-Delivery", UUID.randomUUID().toString(),
                            "X-Hub-Signature-256", Signers.github(source.secret(), body));
                    sent.add(pool.submit(() -> post(source.ingestPath(), "application/json", body, headers)));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.queued() >= 10 - 2);
            } finally {
                writer.writing.writeLock().unlock();
            }
            for (Future<Api.Response> f : sent) answers.add(f.get());
        }
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            assertThat(a.json().get("duplicate").asBoolean()).isFalse();
            assertThat(event(tenant, a.json().get("id").asString())
                            .get("sourceId")
                            .asString())
                    .isEqualTo(source.id());
        });
        assertThat(answers.stream().map(a -> a.json().get("id").asString()).distinct())
                .hasSize(10);
    }
}
