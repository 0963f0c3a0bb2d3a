package dev.switchboard.calllog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.calllog.CallLog.Origin;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The call log's write-behind ({@link CallWriter}): every call recorded in a burst is a row once the
 * log is read, and a graceful shutdown writes every row still queued before the database closes.
 */
class CallWriterTest extends ServerTest {

    @Autowired
    CallLog callLog;

    static CallLog.Call call(String tenant, int n) {
        return new CallLog.Call(
                tenant,
                "con_burst",
                "p",
                Origin.PROXY,
                "GET",
                "/items/" + n,
                200,
                1,
                0,
                0,
                null,
                null,
                null,
                Instant.now(),
                null,
                null);
    }

    /** 16 threads record 2,000 calls at once; the calls API (which waits for this node's queue) finds all. */
    @Test
    void everyCallOfABurstIsARow() throws Exception {
        String tenant = newTenant();
        burst(callLog, tenant, 16, 2_000);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/calls?limit=1", ADMIN)
                        .status())
                .isEqualTo(200);
        assertThat(count(jdbc, tenant)).isEqualTo(2_000);
        List<String> paths = jdbc.sql("SELECT path FROM provider_calls WHERE tenant_id = :t")
                .param("t", tenant)
                .query(String.class)
                .list();
        assertThat(paths).doesNotHaveDuplicates().hasSize(2_000);
    }

    /**
     * A server whose writer waits half a second between writes is closed right after a burst: the
     * rows still queued are written on the way down, none lost; the next server on the same
     * database finds them all.
     */
    @Test
    void aGracefulShutdownWritesEveryQueuedRow() throws Exception {
        Map<String, String> db = TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2();
        Map<String, String> slow = new HashMap<>(db);
        slow.put("switchboard.calllog.flush-interval", "1s");
        String tenant;
        try (var server = start(slow)) {
            Api api = new Api(port(server));
            var created = api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"name\":\"shutdown\"}");
            assertThat(created.status()).isEqualTo(201);
            tenant = created.json().get("id").asString();
            burst(server.getBean(CallLog.class), tenant, 8, 3_000);
            // Still mostly queued: the writer gathers for a second before it writes.
            assertThat(count(server.getBean(JdbcClient.class), tenant)).isLessThan(3_000);
        }
        try (var again = start(db)) {
            assertThat(count(again.getBean(JdbcClient.class), tenant)).isEqualTo(3_000);
        }
    }

    static ConfigurableApplicationContext start(Map<String, String> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        return new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
    }

    static int port(ConfigurableApplicationContext c) {
        return Integer.parseInt(c.getEnvironment().getProperty("local.server.port"));
    }

    static void burst(CallLog log, String tenant, int threads, int calls) throws Exception {
        try (var pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = t * (calls / threads);
                int to = t == threads - 1 ? calls : from + calls / threads;
                all.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) log.record(call(tenant, i));
                }));
            }
            for (Future<?> f : all) f.get();
        }
    }

    static long count(JdbcClient jdbc, String tenant) {
        return jdbc.sql("SELECT count(*) FROM provider_calls WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }
}
