package dev.switchboard.calllog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.calllog.CallLog.Call;
import dev.switchboard.calllog.CallLog.Origin;
import dev.switchboard.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The call log over the real server: what {@link CallLog#record} stores (redacted), the calls API's
 * filters and paging, tenant isolation, that recording never throws, and retention.
 */
class CallLogTest extends ServerTest {

    @Autowired
    CallLog callLog;

    @Autowired
    CallLogRetention retention;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static Call call(
            String tenant,
            String connection,
            String provider,
            Origin origin,
            String method,
            String path,
            Integer status,
            Instant at) {
        return new Call(
                tenant,
                connection,
                provider,
                origin,
                method,
                path,
                status,
                12,
                3,
                4,
                status == null ? "ConnectException" : null,
                null,
                null,
                at,
                null,
                null);
    }

    List<String> ids(String tenant, String query) {
        var r = api.get("/api/v1/tenants/" + tenant + "/calls" + query, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> paths = new ArrayList<>();
        for (JsonNode c : r.json().get("data")) paths.add(c.get("path").asString());
        return paths;
    }

    @Test
    void queryStringSecretsAndJsonBodySecretsAreRedacted() {
        String tenant = newTenant();
        byte[] request = """
                {"amount":100,"password":"sekritpw-1","card":{"number":"4242","client_secret":"sekritcs-2"},
                 "items":[{"api_key":"sekritak-3","name":"x"}],"Authorization":"Bearer sekrittok-4"}""".getBytes(StandardCharsets.UTF_8);
        byte[] response = "{\"access_token\":\"sekrittok-5\",\"refresh_token\":\"sekritrt-6\",\"id\":\"ch_1\"}"
                .getBytes(StandardCharsets.UTF_8);
        callLog.record(new Call(
                tenant,
                "conn_1",
                "stripe",
                Origin.PROXY,
                "post",
                "/v1/charges?key=sekritk-7&token=sekritt-8&Secret=sekrits-9&password=sekritp-10&signature=sekritsg-11&sig=sekritsg-12&auth=sekrita-13"
                        + "&code=sekritc-14&access_token=sekritat-15&api_key=sekritak-16&X-Amz-Credential=sekritcr-17&hapikey=sekrithk-18"
                        + "&limit=5&starting_after=ch_0#sekritfrag-19",
                200,
                40,
                request.length,
                response.length,
                null,
                "key:k1",
                "req-1",
                null,
                request,
                response));

        var list = api.get("/api/v1/tenants/" + tenant + "/calls", ADMIN).json().get("data");
        assertThat(list).hasSize(1);
        JsonNode c = list.get(0);
        assertThat(c.get("path").asString())
                .isEqualTo("/v1/charges?key=REDACTED&token=REDACTED&Secret=REDACTED"
                        + "&password=REDACTED&signature=REDACTED&sig=REDACTED&auth=REDACTED&code=REDACTED"
                        + "&access_token=REDACTED&api_key=REDACTED&X-Amz-Credential=REDACTED&hapikey=REDACTED"
                        + "&limit=5&starting_after=ch_0");
        assertThat(c.get("method").asString()).isEqualTo("POST");
        assertThat(c.get("origin").asString()).isEqualTo("proxy");
        assertThat(c.has("requestBody")).as("bodies only on the one-call route").isFalse();

        var one = api.get("/api/v1/tenants/" + tenant + "/calls/" + c.get("id").asString(), ADMIN)
                .json();
        JsonNode sent = JSON.readTree(one.get("requestBody").asString());
        assertThat(sent.get("amount").asInt()).isEqualTo(100);
        assertThat(sent.get("password").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("card").get("number").asString()).isEqualTo("4242");
        assertThat(sent.get("card").get("client_secret").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("items").get(0).get("api_key").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("Authorization").asString()).isEqualTo("REDACTED");
        JsonNode answered = JSON.readTree(one.get("responseBody").asString());
        assertThat(answered.get("id").asString()).isEqualTo("ch_1");
        assertThat(answered.get("access_token").asString()).isEqualTo("REDACTED");

        callLog.flush();
        String row = jdbc.sql("SELECT * FROM provider_calls WHERE tenant_id = :t")
                .param("t", tenant)
                .query()
                .listOfRows()
                .toString();
        assertThat(row).doesNotContain("sekrit");
    }

    @Test
    void bodiesAreCappedAndWhatCannotBeRedactedIsNotStored() {
        String tenant = newTenant();
        byte[] big = ("{\"data\":\"" + "x".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] broken = "{\"token\":\"tok-broken\"".getBytes(StandardCharsets.UTF_8);
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1};
        callLog.record(new Call(
                tenant,
                "c",
                "p",
                Origin.OUTBOX,
                "POST",
                "/a",
                200,
                1,
                big.length,
                0,
                null,
                null,
                null,
                null,
                big,
                null));
        callLog.record(new Call(
                tenant, "c", "p", Origin.OUTBOX, "POST", "/b", 200, 1, 0, 0, null, null, null, null, broken, binary));
        callLog.flush();
        var rows = jdbc.sql("SELECT path, request_body, response_body FROM provider_calls WHERE tenant_id = :t")
                .param("t", tenant)
                .query()
                .listOfRows();
        for (var r : rows) {
            if (r.get("path").equals("/a")) {
                assertThat((String) r.get("request_body"))
                        .hasSizeLessThan(16_500)
                        .endsWith("…[truncated]");
            } else {
                assertThat((String) r.get("request_body"))
                        .contains("malformed JSON")
                        .doesNotContain("tok-broken");
                assertThat((String) r.get("response_body")).contains("binary");
            }
        }
        assertThat(rows).hasSize(2);
    }

    @Test
    void recordingNeverThrows() {
        Instant now = Instant.now();
        // No such tenant (a foreign key refuses it), no tenant at all, no origin, a null call: dropped.
        callLog.record(call("t-does-not-exist", "c", "p", Origin.PROXY, "GET", "/", 200, now));
        callLog.record(call(null, "c", "p", Origin.PROXY, "GET", "/", 200, now));
        callLog.record(call("x", "c", "p", null, "GET", "/", 200, now));
        callLog.record(null);
        // Oversized text is cut to the columns, never a failed insert.
        String tenant = newTenant();
        callLog.record(call(
                tenant,
                "c".repeat(100),
                "p".repeat(100),
                Origin.PROXY,
                "X".repeat(40),
                "/" + "a".repeat(5000) + "?q=\0",
                200,
                now));
        assertThat(ids(tenant, "")).hasSize(1);
    }

    @Test
    void filtersSearchAndPaging() {
        String tenant = newTenant();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        callLog.record(call(tenant, "conn_a", "stripe", Origin.PROXY, "GET", "/v1/customers?limit=3", 200, t0));
        callLog.record(call(tenant, "conn_a", "stripe", Origin.OUTBOX, "POST", "/v1/charges", 402, t0.plusSeconds(1)));
        callLog.record(call(
                tenant,
                "conn_b",
                "slack",
                Origin.OUTBOX,
                "POST",
                "/api/chat.postMessage_100%",
                503,
                t0.plusSeconds(2)));
        callLog.record(
                call(tenant, "conn_b", "slack", Origin.HEALTH_CHECK, "GET", "/api/auth.test", null, t0.plusSeconds(3)));
        callLog.record(call(tenant, "conn_c", "google", Origin.TOKEN, "POST", "/token", 200, t0.plusSeconds(4)));

        assertThat(ids(tenant, ""))
                .containsExactly(
                        "/token",
                        "/api/auth.test",
                        "/api/chat.postMessage_100%",
                        "/v1/charges",
                        "/v1/customers?limit=3");
        assertThat(ids(tenant, "?connection=conn_a")).containsExactly("/v1/charges", "/v1/customers?limit=3");
        assertThat(ids(tenant, "?provider=slack")).hasSize(2);
        assertThat(ids(tenant, "?origin=outbox")).containsExactly("/api/chat.postMessage_100%", "/v1/charges");
        assertThat(ids(tenant, "?status=2xx")).containsExactly("/token", "/v1/customers?limit=3");
        assertThat(ids(tenant, "?status=4xx")).containsExactly("/v1/charges");
        assertThat(ids(tenant, "?status=5xx")).containsExactly("/api/chat.postMessage_100%");
        assertThat(ids(tenant, "?status=error")).containsExactly("/api/auth.test");
        assertThat(ids(tenant, "?method=post")).hasSize(3);
        assertThat(ids(tenant, "?q=v1/")).hasSize(2);
        // LIKE wildcards in the search are text: "%" finds only the path that has one.
        assertThat(ids(tenant, "?q=%25")).containsExactly("/api/chat.postMessage_100%");
        assertThat(ids(tenant, "?q=_")).containsExactly("/api/chat.postMessage_100%");
        assertThat(ids(tenant, "?since=" + t0.plusSeconds(2) + "&until=" + t0.plusSeconds(4)))
                .containsExactly("/api/auth.test", "/api/chat.postMessage_100%");
        assertThat(ids(tenant, "?connection=conn_b&status=error&method=GET&origin=health_check&provider=slack"))
                .containsExactly("/api/auth.test");

        // Cursor paging: two at a time, every call once, newest first.
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get(
                            "/api/v1/tenants/" + tenant + "/calls?limit=2"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            ADMIN)
                    .json();
            page.get("data").forEach(c -> paged.add(c.get("path").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(paged).isEqualTo(ids(tenant, ""));

        for (String bad : List.of(
                "status=3xxx", "origin=webhook", "method=GE%20T", "since=yesterday", "limit=0", "cursor=nope")) {
            var r = api.get("/api/v1/tenants/" + tenant + "/calls?" + bad, ADMIN);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("validation_failed");
        }
    }

    @Test
    void anotherTenantSeesNothing() {
        String mine = newTenant();
        String other = newTenant();
        callLog.record(call(mine, "conn_a", "stripe", Origin.PROXY, "GET", "/mine", 200, null));
        String id = api.get("/api/v1/tenants/" + mine + "/calls", ADMIN)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asString();
        String otherKey = newKey(other, "admin");
        String myViewer = newKey(mine, "viewer");

        assertThat(api.get("/api/v1/tenants/" + mine + "/calls", otherKey).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + mine + "/calls/" + id, otherKey).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + other + "/calls/" + id, otherKey)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + other + "/calls", otherKey)
                        .json()
                        .get("data"))
                .isEmpty();
        // A viewer reads its own tenant's log.
        assertThat(api.get("/api/v1/tenants/" + mine + "/calls/" + id, myViewer).status())
                .isEqualTo(200);
    }

    @Test
    void retentionDeletesOnlyCallsOlderThanThirtyDays() {
        String tenant = newTenant();
        clock.freeze();
        Instant now = clock.instant();
        callLog.record(call(tenant, "c", "p", Origin.PROXY, "GET", "/old", 200, now.minus(Duration.ofDays(31))));
        callLog.record(call(tenant, "c", "p", Origin.PROXY, "GET", "/recent", 200, now.minus(Duration.ofDays(29))));
        callLog.record(call(tenant, "c", "p", Origin.PROXY, "GET", "/now", 200, null));
        callLog.flush();
        retention.run(100);
        assertThat(ids(tenant, "")).containsExactlyInAnyOrder("/recent", "/now");

        clock.advance(Duration.ofDays(2));
        retention.run(100);
        assertThat(ids(tenant, "")).containsExactly("/now");
    }

    static final tools.jackson.databind.json.JsonMapper JSON = dev.switchboard.testing.Api.JSON;
}
