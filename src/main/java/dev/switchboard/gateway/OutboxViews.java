package dev.switchboard.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the API shows of jobs and attempts: request headers and bodies, and responses, redacted. */
@Component
class OutboxViews {

    record RequestView(String method, String path, String query, Map<String, List<String>> headers, Object body) {}

    record JobView(
            String id,
            String status,
            String connection,
            String provider,
            RequestView request,
            String idempotencyKey,
            int priority,
            int maxAttempts,
            int attempts,
            int series,
            Instant notBefore,
            Instant deadline,
            Instant nextAttemptAt,
            Integer lastStatusCode,
            String lastError,
            Map<String, String> metadata,
            Instant createdAt,
            Instant updatedAt,
            Instant completedAt) {}

    record AttemptView(
            String id,
            int series,
            int attempt,
            Instant attemptedAt,
            String outcome,
            Integer statusCode,
            int latencyMs,
            Instant retryAt,
            String error,
            JsonNode responseHeaders,
            String responseExcerpt) {}

    /** A job as {@link JobView} shows it, and every attempt to send it, oldest first. */
    record JobDetail(
            String id,
            String status,
            String connection,
            String provider,
            RequestView request,
            String idempotencyKey,
            int priority,
            int maxAttempts,
            int attempts,
            int series,
            Instant notBefore,
            Instant deadline,
            Instant nextAttemptAt,
            Integer lastStatusCode,
            String lastError,
            Map<String, String> metadata,
            Instant createdAt,
            Instant updatedAt,
            Instant completedAt,
            List<AttemptView> history) {}

    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

    private final JsonMapper json;
    private final OutboxProperties properties;

    OutboxViews(JsonMapper json, OutboxProperties properties) {
        this.json = json;
        this.properties = properties;
    }

    JobView job(OutboxRepository.Job j) {
        boolean waiting = j.status().equals("queued") || j.status().equals("held");
        return new JobView(
                j.id(),
                j.status(),
                j.connectionId(),
                j.provider(),
                new RequestView(
                        j.method(),
                        j.path(),
                        OutboxRedaction.text(j.query()),
                        OutboxRedaction.headers(json.readValue(j.headers(), HEADERS)),
                        body(j)),
                j.idempotencyKey(),
                j.priority(),
                j.maxAttempts(),
                j.attempts(),
                j.series(),
                j.notBefore(),
                j.deadline(),
                waiting ? j.nextAttemptAt() : null,
                j.lastStatus(),
                j.lastError(),
                json.readValue(j.metadata(), METADATA),
                j.createdAt(),
                j.updatedAt(),
                j.completedAt());
    }

    JobDetail detail(Outbox.Detail d) {
        JobView j = job(d.job());
        return new JobDetail(
                j.id(),
                j.status(),
                j.connection(),
                j.provider(),
                j.request(),
                j.idempotencyKey(),
                j.priority(),
                j.maxAttempts(),
                j.attempts(),
                j.series(),
                j.notBefore(),
                j.deadline(),
                j.nextAttemptAt(),
                j.lastStatusCode(),
                j.lastError(),
                j.metadata(),
                j.createdAt(),
                j.updatedAt(),
                j.completedAt(),
                d.attempts().stream()
                        .map(a -> new AttemptView(
                                a.id(),
                                a.series(),
                                a.attempt(),
                                a.attemptedAt(),
                                a.outcome(),
                                a.statusCode(),
                                a.latencyMs(),
                                a.retryAt(),
                                a.error(),
                                a.responseHeaders() == null ? null : json.readTree(a.responseHeaders()),
                                a.responseExcerpt()))
                        .toList());
    }

    /** A JSON body as JSON with secret-named fields redacted, a text body as redacted text. */
    private JsonNode body(OutboxRepository.Job j) {
        if (j.body() == null) return null;
        if (j.bodyJson()) {
            JsonNode tree = json.readTree(j.body());
            OutboxRedaction.redact(tree);
            return tree;
        }
        return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(
                OutboxRedaction.body(j.body(), properties.maxBodyBytes(), json));
    }
}
