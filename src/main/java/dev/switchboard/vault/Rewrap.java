package dev.switchboard.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online key rotation: re-encrypts, in small batches each in its own transaction, every stored
 * ciphertext not made by the primary key. A row is updated only if it still holds the ciphertext
 * that was read (a concurrent write wins, and is already under the primary key), so readers and
 * writers carry on throughout. Safe to run on several nodes at once.
 */
@Component
class Rewrap {

    private static final Logger log = LoggerFactory.getLogger(Rewrap.class);
    static final int BATCH = 100;

    /** Rows per key id, and how the re-wrap is going. */
    public record Status(
            int primaryKeyId, List<Integer> keyIds, Map<Integer, Long> rowsByKey, boolean running, long rewrapped) {}

    private final JdbcClient jdbc;
    private final Vault vault;
    private final List<SealedColumns> sealed;
    private final TransactionTemplate tx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong rewrapped = new AtomicLong();

    Rewrap(JdbcClient jdbc, Vault vault, List<SealedColumns> sealed, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.sealed = sealed;
        this.tx = tx;
    }

    /** Starts a re-wrap in the background unless one is running on this node; false if one was. */
    public boolean start() {
        if (!running.compareAndSet(false, true)) return false;
        Thread.ofVirtual().name("vault-rewrap").start(() -> {
            try {
                long n = runAll();
                log.info("Vault re-wrap finished: {} ciphertexts moved to key {}", n, vault.primaryKeyId());
            } catch (RuntimeException e) {
                log.error("Vault re-wrap stopped; start it again to finish", e);
            } finally {
                running.set(false);
            }
        });
        return true;
    }

    /** Re-wraps everything now, on this thread; returns how many ciphertexts moved. */
    long runAll() {
        long moved = 0;
        for (SealedColumns table : sealed) {
            for (String column : table.columns()) moved += column(table, column);
        }
        return moved;
    }

    private long column(SealedColumns t, String column) {
        long moved = 0;
        String after = "";
        while (true) {
            String from = after;
            List<Map<String, Object>> rows = jdbc.sql("SELECT " + t.idColumn() + " AS row_id, tenant_id, " + column
                            + " AS ct FROM " + t.table() + " WHERE " + column + " IS NOT NULL AND " + t.idColumn()
                            + " > :after ORDER BY " + t.idColumn() + " LIMIT :limit")
                    .param("after", from)
                    .param("limit", BATCH)
                    .query()
                    .listOfRows();
            if (rows.isEmpty()) return moved;
            long batch = tx.execute(s -> {
                long n = 0;
                for (Map<String, Object> row : rows) {
                    byte[] old = (byte[]) row.get("ct");
                    String id = (String) row.get("row_id");
                    byte[] fresh = vault.rewrap(
                            old, new SecretPlace((String) row.get("tenant_id"), t.placeTable(), column, id));
                    if (fresh == null) continue;
                    n += jdbc.sql("UPDATE " + t.table() + " SET " + column + " = :fresh WHERE " + t.idColumn()
                                    + " = :id AND " + column + " = :old")
                            .param("fresh", fresh)
                            .param("id", id)
                            .param("old", old)
                            .update();
                }
                return n;
            });
            moved += batch;
            rewrapped.addAndGet(batch);
            after = (String) rows.getLast().get("row_id");
        }
    }

    public Status status() {
        Map<Integer, Long> byKey = new LinkedHashMap<>();
        for (int id : vault.keyIds()) byKey.put(id, 0L);
        for (SealedColumns t : sealed) {
            for (String column : t.columns()) {
                jdbc.sql("SELECT " + column + " FROM " + t.table() + " WHERE " + column + " IS NOT NULL")
                        .query((rs, n) -> {
                            byKey.merge(Vault.keyIdOf(rs.getBytes(1)), 1L, Long::sum);
                            return null;
                        })
                        .list();
            }
        }
        return new Status(vault.primaryKeyId(), vault.keyIds(), byKey, running.get(), rewrapped.get());
    }
}
