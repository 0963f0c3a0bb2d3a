package dev.switchboard.calllog;

import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Where other modules record the provider calls they make. Recording never fails the call it
 * describes: a row that cannot be written is logged and dropped.
 */
@Component
public class CallLog {

    /** What caused the call. */
    public enum Origin {
        PROXY,
        OUTBOX,
        HEALTH_CHECK,
        TOKEN
    }

    /**
     * One provider call. {@code pathAndQuery} is as sent (the log redacts secrets in the query);
     * {@code status} is null when no answer came ({@code error} then says why); bodies are null unless
     * the connection opted in to storing them (the log redacts them too).
     */
    public record Call(
            String tenantId,
            String connectionId,
            String provider,
            Origin origin,
            String method,
            String pathAndQuery,
            Integer status,
            long latencyMillis,
            long requestBytes,
            long responseBytes,
            String error,
            String actor,
            String requestId,
            Instant at,
            byte[] requestBody,
            byte[] responseBody) {}

    /** Records one call; placeholder until the call log's table lands. */
    public void record(Call call) {}
}
