package dev.switchboard.connections;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Connections this node read for a proxied call lately, with their credentials
 * opened, for {@code switchboard.connections.in-use-cache-ttl} (1 s by default; 0 turns it off).
 * Without it every proxied call starts with a read of the connection's row.
 *
 * <p>Every change this node makes to a connection through {@link ConnectionRepository} (a state
 * change, new credentials or tokens, a rename, the call-log setting, a delete) forgets it at once,
 * and again when the surrounding transaction ends, so a suspended connection refuses the next call
 * on this node. Another node notices within the TTL: a connection suspended there may still be
 * proxied here for up to that long. Outbox jobs do not use it: they run in the background, and a
 * connection suspended on any node holds its jobs from that moment. Only connections that exist are
 * kept, under their tenant.
 */
final class ConnectionsInUse {

    /** What the database said, and until when (on the application clock) this node may reuse it. */
    private record Entry(ConnectionRepository.InUse inUse, Instant until) {}

    private final Cache<String, Entry> cache;
    private final Clock clock;
    private final Duration ttl;
    /** Moves on every forget: a read that began before one does not store what it read. */
    private final AtomicLong generation = new AtomicLong();

    ConnectionsInUse(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        // Entries end on the application clock (tests move it); Caffeine only bounds the memory.
        this.cache = ttl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(10_000)
                        .expireAfterWrite(ttl.multipliedBy(2).plusSeconds(1))
                        .build();
    }

    Optional<ConnectionRepository.InUse> get(
            String tenantId, String id, Supplier<Optional<ConnectionRepository.InUse>> read) {
        if (cache == null) return read.get();
        String key = key(tenantId, id);
        Instant now = clock.instant();
        var known = cache.getIfPresent(key);
        if (known != null && now.isBefore(known.until())) return Optional.of(known.inUse());
        long before = generation.get();
        var found = read.get();
        found.ifPresent(c -> {
            if (generation.get() == before) cache.put(key, new Entry(c, now.plus(ttl)));
        });
        return found;
    }

    /**
     * The connection changed (or is about to, in the current transaction): forgotten now, and again
     * once the transaction has ended, so that a read made in between (of the row as it was before
     * the commit) is not kept either.
     */
    void forget(String tenantId, String id) {
        forgetNow(tenantId, id);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    forgetNow(tenantId, id);
                }
            });
        }
    }

    private void forgetNow(String tenantId, String id) {
        generation.incrementAndGet();
        if (cache != null) cache.invalidate(key(tenantId, id));
    }

    private static String key(String tenantId, String id) {
        return tenantId + "/" + id;
    }
}
