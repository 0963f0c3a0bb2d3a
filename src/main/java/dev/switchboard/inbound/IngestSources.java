package dev.switchboard.inbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.vault.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Sources as ingest needs them: with their secrets decrypted. Looking a source up and decrypting
 * its secrets was half of ingest's CPU (docs/BENCHMARKS.md), so a node keeps each for
 * {@code sourceCacheTtl} (1 s by default). A change made through this node is seen at once; one
 * made through another node within the TTL. Unknown ids are remembered for the same TTL too, so a
 * sender posting to a deleted or mistyped source is answered 404 without a database round trip each
 * time. That cannot hide a new source: ids are random and chosen by the server, so nothing can have
 * asked for one before it existed (and a source created through this node clears it anyway).
 */
@Component
class IngestSources {

    /** A source ready to verify requests; the previous secret is kept until its grace period ends. */
    record Resolved(Source source, boolean tenantActive, Secret current, Secret previous, Secret verifyToken) {

        List<Secret> secretsAt(Instant now) {
            List<Secret> secrets = new ArrayList<>(2);
            if (current != null) secrets.add(current);
            Instant until = source.previousSecretExpiresAt();
            if (previous != null && until != null && now.isBefore(until)) secrets.add(previous);
            return secrets;
        }

        @Override
        public String toString() {
            return "Resolved[source=" + source.id() + "]";
        }
    }

    private final SourceRepository sources;
    private final SourceSecrets secrets;
    private final Cache<String, Resolved> cache;
    /** Ids looked up and not found; bounded, so a flood of random ids costs memory it gives back. */
    private final Cache<String, Boolean> unknown;

    IngestSources(SourceRepository sources, SourceSecrets secrets, InboundProperties properties) {
        this.sources = sources;
        this.secrets = secrets;
        this.cache = properties.sourceCacheTtl().isZero()
                ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(properties.sourceCacheTtl())
                        .maximumSize(100_000)
                        .build();
        this.unknown = cache == null
                ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(properties.sourceCacheTtl())
                        .maximumSize(10_000)
                        .build();
    }

    Optional<Resolved> find(String sourceId) {
        if (cache == null) return load(sourceId);
        if (unknown.getIfPresent(sourceId) != null) return Optional.empty();
        // Requests that miss on one id at once share one load (the others wait for it), rather than
        // each reading the row and decrypting its secrets when the entry expires under load.
        Resolved found = cache.get(sourceId, id -> load(id).orElse(null));
        if (found == null) unknown.put(sourceId, Boolean.TRUE);
        return Optional.ofNullable(found);
    }

    private Optional<Resolved> load(String sourceId) {
        return sources.findForIngest(sourceId)
                .map(s -> new Resolved(
                        s.source(), s.tenantActive(), secrets.current(s), secrets.previous(s), secrets.verifyToken(s)));
    }

    /** Called after any change to a source through this node, its creation included. */
    void invalidate(String sourceId) {
        if (cache != null) {
            cache.invalidate(sourceId);
            unknown.invalidate(sourceId);
        }
    }
}
