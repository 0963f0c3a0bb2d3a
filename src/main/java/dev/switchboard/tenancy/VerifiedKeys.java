package dev.switchboard.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * API keys this node looked up lately, by key id: the stored hash, role, tenant and whether key and
 * tenant were live, for {@code switchboard.api-key-cache-ttl} (5 s by default; 0 turns it off).
 * Without it every API request costs a database read before it does anything.
 *
 * <p>What it keeps is what the database said, never a verdict: every request still hashes the
 * presented key and compares it with the stored hash in constant time. Revoking a key, or disabling
 * or re-enabling a tenant, forgets the entries on the node that did it at once; the other nodes
 * notice within the TTL. Only keys that exist are kept (an unknown key always reads the database).
 */
@Component
class VerifiedKeys {

    /** What the database said, and until when (on the application clock) this node may reuse it. */
    private record Entry(ApiKeyRepository.Credential credential, Instant until) {}

    private final Cache<String, Entry> cache;
    private final Clock clock;
    private final Duration ttl;
    /** Moves on every forget: a lookup that began before one does not store what it read. */
    private final AtomicLong generation = new AtomicLong();

    VerifiedKeys(TenancyProperties properties, Clock clock) {
        this.ttl = properties.apiKeyCacheTtl();
        this.clock = clock;
        // Entries end on the application clock (tests move it); Caffeine only bounds the memory.
        this.cache = ttl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(100_000)
                        .expireAfterWrite(ttl.multipliedBy(2))
                        .build();
    }

    Optional<ApiKeyRepository.Credential> get(
            String keyId, Function<String, Optional<ApiKeyRepository.Credential>> lookup) {
        if (cache == null) return lookup.apply(keyId);
        Instant now = clock.instant();
        var known = cache.getIfPresent(keyId);
        if (known != null && now.isBefore(known.until())) return Optional.of(known.credential());
        long before = generation.get();
        var found = lookup.apply(keyId);
        found.ifPresent(c -> {
            if (generation.get() == before) cache.put(keyId, new Entry(c, now.plus(ttl)));
        });
        return found;
    }

    /** A key was revoked here: it fails on its next request to this node. */
    void forget(String keyId) {
        generation.incrementAndGet();
        if (cache != null) cache.invalidate(keyId);
    }

    /** A tenant was disabled or enabled here: its keys are read again. */
    void forgetAll() {
        generation.incrementAndGet();
        if (cache != null) cache.invalidateAll();
    }
}
