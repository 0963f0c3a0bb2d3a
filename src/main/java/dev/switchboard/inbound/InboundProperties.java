package dev.switchboard.inbound;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param publicUrl the URL senders reach Switchboard at ({@code SWITCHBOARD_PUBLIC_URL}), e.g.
 *     {@code https://hooks.example.com}: ingest URLs are built from it, and Twilio signs it. Default:
 *     the URL of each request as received.
 * @param maxBodyBytes the largest webhook body accepted ({@code SWITCHBOARD_INBOUND_MAX_BODY_BYTES})
 * @param rawRetention how long raw bodies are kept ({@code SWITCHBOARD_INBOUND_RAW_RETENTION})
 * @param metadataRetention how long event metadata is kept ({@code SWITCHBOARD_INBOUND_METADATA_RETENTION})
 * @param sourceCacheTtl how long a node reuses a source and its decrypted secrets for ingest
 *     ({@code SWITCHBOARD_INBOUND_SOURCE_CACHE_TTL}); changes made through another node take effect
 *     within this time, changes through this node at once. 0 turns the cache off.
 * @param rejectionsPerMinute rejected requests recorded per source per minute on each node
 *     ({@code SWITCHBOARD_INBOUND_REJECTIONS_PER_MINUTE}); the rest are only counted, in the metric
 *     {@code switchboard.inbound.rejections.unrecorded}, so a flood of bad signatures cannot fill the table
 * @param processing the asynchronous stage after ingest
 * @param canonicalTypesFile a JSON file of canonical type rules added to the built-in ones
 *     ({@code SWITCHBOARD_INBOUND_CANONICAL_TYPES_FILE}, same shape as {@code inbound/canonical-types.json});
 *     read once at startup, and a file that is not valid stops the startup
 * @param trustedProxies the addresses (CIDRs) of the reverse proxies in front of Switchboard
 *     ({@code SWITCHBOARD_INBOUND_TRUSTED_PROXIES}, comma-separated): only from these are
 *     {@code X-Forwarded-For} (the sender's address kept on events) and {@code X-Forwarded-Proto}
 *     (for sources with {@code requireHttps}) believed. Empty: no proxy is trusted
 * @param groupCommit how verified webhooks are written: batched, one transaction per batch
 */
@Validated
@ConfigurationProperties("switchboard.inbound")
record InboundProperties(
        URI publicUrl,
        @DefaultValue("1048576") @Min(1024) @Max(67_108_864) int maxBodyBytes,
        @DefaultValue("30d") Duration rawRetention,
        @DefaultValue("365d") Duration metadataRetention,
        @DefaultValue("1s") Duration sourceCacheTtl,
        @DefaultValue("60") @Min(0) @Max(100_000) int rejectionsPerMinute,
        @DefaultValue Processing processing,
        String canonicalTypesFile,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue GroupCommit groupCommit) {

    InboundProperties {
        // An unset SWITCHBOARD_PUBLIC_URL arrives as "", which means "use the request's URL".
        if (publicUrl != null && publicUrl.toString().isBlank()) publicUrl = null;
        if (publicUrl != null && (publicUrl.getScheme() == null || publicUrl.getHost() == null)) {
            throw new IllegalArgumentException(
                    "SWITCHBOARD_PUBLIC_URL must be an absolute URL such as https://hooks.example.com");
        }
        trustedProxies = trustedProxies == null
                ? List.of()
                : trustedProxies.stream()
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
        TrustedProxies.check(trustedProxies);
    }

    /**
     * @param batchSize events claimed per poll
     * @param pollInterval how often each node looks for due events
     * @param lease how long a claimed event is this node's before another may take it over
     * @param maxAttempts failed attempts before an event is marked failed
     * @param parallelism how many sources' events of one batch a node routes at once, each set of
     *     sources in its own transaction ({@code SWITCHBOARD_INBOUND_PROCESSING_PARALLELISM}); one
     *     source's events are always routed one after another, in the order they came
     */
    record Processing(
            @DefaultValue("100") @Min(1) @Max(1000) int batchSize,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("60s") Duration lease,
            @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("4") @Min(1) @Max(64) int parallelism) {

        Processing {
            // Events are processed one by one under the lease, which must outlast the wait between polls.
            if (lease != null && lease.compareTo(Duration.ofSeconds(5)) < 0) {
                throw new IllegalArgumentException("switchboard.inbound.processing.lease (" + lease
                        + ") must be at least 5s: shorter, a claimed event can still be processing when another"
                        + " node takes it over");
            }
            if (lease != null && pollInterval != null && lease.compareTo(pollInterval) <= 0) {
                throw new IllegalArgumentException("switchboard.inbound.processing.lease (" + lease
                        + ") must be longer than switchboard.inbound.processing.poll-interval (" + pollInterval + ")");
            }
        }
    }

    /**
     * Ingest's group commit: requests hand their verified rows to writers, each inserting what has
     * queued up as one batch in one transaction, and each request is answered after its batch's
     * commit. A full queue answers 503 {@code ingest_busy} with {@code Retry-After}.
     *
     * @param queueCapacity rows waiting for a writer ({@code SWITCHBOARD_INBOUND_QUEUE_CAPACITY})
     * @param queueBytes bodies' bytes waiting for a writer, so large bodies cannot fill the heap
     * @param batchSize the most rows one transaction inserts
     * @param writers writer threads, each with its own transaction (one on the embedded H2)
     * @param maxWait how long a request waits for its commit before it is answered 503 (the row may
     *     still commit; a retry is then answered as a duplicate)
     * @param processingLag how far processing may fall behind ingest (the wait of the oldest event it
     *     claims) before writers pause before each batch, 10 ms for each second past it, so a sustained
     *     burst is taken no faster than it is processed ({@code SWITCHBOARD_INBOUND_PROCESSING_LAG}; 0
     *     never pauses)
     * @param maxPause the longest pause before a batch
     */
    record GroupCommit(
            @DefaultValue("4096") @Min(1) @Max(1_000_000) int queueCapacity,
            @DefaultValue("67108864") @Min(1_048_576) long queueBytes,
            @DefaultValue("256") @Min(1) @Max(2000) int batchSize,
            @DefaultValue("2") @Min(1) @Max(32) int writers,
            @DefaultValue("30s") Duration maxWait,
            @DefaultValue("2s") Duration processingLag,
            @DefaultValue("100ms") Duration maxPause) {}
}
