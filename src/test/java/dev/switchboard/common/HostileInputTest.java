package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.inbound.Signers;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * One regression test per defect found by fuzzing ingest and the API (hostile input must get a
 * problem+json 4xx with a code, never a 500, and write nothing). Raw sockets send what HTTP clients
 * refuse to.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends ServerTest {

    private static final String SEP = "\r\n";

    private String auth() {
        return "Authorization: Bearer " + ADMIN + SEP;
    }

    private static void problem(RawHttp.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).as(r.toString()).isEqualTo(code);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("<html");
    }

    private static void problem(Api.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).as(r.toString()).isEqualTo(code);
    }

    private JsonNode githubSource(String tenant) {
        var r = api.post("/api/v1/tenants/" + tenant + "/sources", ADMIN, "{\"name\":\"gh\",\"provider\":\"github\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private RawHttp.Response signedGithub(JsonNode source, String contentType, byte[] body, String extraHeaders)
            throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("POST /webhooks/" + source.get("id").asString() + " HTTP/1.1" + SEP
                        + "Host: localhost" + SEP
                        + "Connection: close" + SEP
                        + "Content-Type: " + contentType + SEP
                        + "Content-Length: " + body.length + SEP
                        + "X-GitHub-Event: push" + SEP
                        + "X-GitHub-Delivery: " + UUID.randomUUID() + SEP
                        + "X-Hub-Signature-256: "
                        + Signers.github(source.get("secret").asString(), body) + SEP)
                .getBytes(StandardCharsets.ISO_8859_1));
        request.write(extraHeaders.getBytes(StandardCharsets.ISO_8859_1));
        request.write(SEP.getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        return RawHttp.exchange(port, request.toByteArray());
    }

    // 1. Header bytes 0x80–0x9F: ingest keeps them, the API answers 400.

    @Test
    void ingestAcceptsAnyHeaderBytesAProviderSends() throws Exception {
        String tenant = newTenant();
        JsonNode source = githubSource(tenant);
        // "10 €" in UTF-8 (E2 82 AC), read by Tomcat as ISO-8859-1: a character 0x82.
        String note = "X-Note: 10 \u00e2\u0082\u00ac \u0085\u009f" + SEP;
        var r = signedGithub(source, "application/json", "{\"ref\":\"main\"}".getBytes(), note);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        var event = api.get(
                "/api/v1/tenants/" + tenant + "/events/" + r.json().get("id").asString(), ADMIN);
        assertThat(event.status()).isEqualTo(200);

        var unknown = RawHttp.exchange(
                port,
                "POST /webhooks/src_unknown HTTP/1.1" + SEP + "Host: x" + SEP + "Connection: close" + SEP + note
                        + "Content-Length: 2" + SEP + SEP + "{}");
        problem(unknown, 404, "not_found");
    }

    @Test
    void anApiHeaderTheFirewallRefusesIsA400() throws Exception {
        long keys = count("api_keys");
        var r = RawHttp.exchange(
                port,
                "POST /api/v1/tenants HTTP/1.1" + SEP + "Host: x" + SEP + "Connection: close" + SEP
                        + "Authorization: Bearer \u0085" + ADMIN + SEP + "Content-Type: application/json" + SEP
                        + "Content-Length: 12" + SEP + SEP + "{\"name\":\"x\"}");
        problem(r, 400, "malformed_request");
        assertThat(count("api_keys")).isEqualTo(keys);
    }

    // 2. Multipart: ingest verifies the raw bytes; the API answers 415.

    @Test
    void aSignedMultipartWebhookIsVerifiedOnItsRawBytes() throws Exception {
        String tenant = newTenant();
        JsonNode source = githubSource(tenant);
        byte[] body = ("--b0undary" + SEP + "Content-Disposition: form-data; name=\"from\"" + SEP + SEP + "a@b.example"
                        + SEP + "--b0undary" + SEP
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"x.txt\"" + SEP
                        + "Content-Type: text/plain" + SEP + SEP + "hello" + SEP + "--b0undary--" + SEP)
                .getBytes(StandardCharsets.UTF_8);
        var r = signedGithub(source, "multipart/form-data; boundary=b0undary", body, "");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        var raw = api.send(
                HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant + "/events/"
                                + r.json().get("id").asString() + "/raw"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.body()).isEqualTo(body);

        byte[] broken = ("--b0undary" + SEP + "Content-Disposition: form-data; name=" + SEP + "garbage")
                .getBytes(StandardCharsets.UTF_8);
        var malformed = signedGithub(source, "multipart/form-data; boundary=b0undary", broken, "");
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(200);
        var wrongSecret = source.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) wrongSecret).put("secret", "not-the-secret");
        var badlySigned = signedGithub(wrongSecret, "multipart/form-data; boundary=b0undary", body, "");
        assertThat(badlySigned.status()).as(badlySigned.toString()).isBetween(400, 499);
    }

    @Test
    void multipartOnTheApiIs415() {
        long tenants = count("tenants");
        var r = api.send(
                "POST",
                "/api/v1/tenants",
                ADMIN,
                "multipart/form-data; boundary=x",
                ("--x" + SEP + "Content-Disposition: form-data; name=\"name\"" + SEP + SEP + "a" + SEP + "--x--")
                        .getBytes());
        problem(r, 415, "unsupported_media_type");
        assertThat(count("tenants")).isEqualTo(tenants);
    }

    // 3. Undecodable query strings and form bodies.

    @Test
    void undecodableParametersAreValidationErrorsOnEveryRoute() throws Exception {
        String tenant = newTenant();
        for (String target : new String[] {
            "/oauth/callback?state=%FF",
            "/oauth/callback?=",
            "/oauth/callback?%zz=1",
            "/api/v1/tenants?cursor=%FF%FE",
            "/api/v1/tenants?limit=%ED%A0%80",
            "/api/v1/tenants?%zz=1",
            "/api/v1/tenants?=",
            "/api/v1/tenants/" + tenant + "/events?since=%C0%AF",
        }) {
            var r = RawHttp.exchange(
                    port,
                    "GET " + target + " HTTP/1.1" + SEP + "Host: x" + SEP + auth() + "Connection: close" + SEP + SEP);
            problem(r, 400, "validation_failed");
        }
        String before = api.get("/api/v1/tenants/" + tenant, ADMIN).body();
        var form = api.send(
                "PATCH", "/api/v1/tenants/" + tenant, ADMIN, "application/x-www-form-urlencoded", "a=%zz".getBytes());
        assertThat(form.status()).as(form.toString()).isIn(400, 415);
        assertThat(form.contentType()).startsWith("application/problem+json");
        var postForm =
                api.send("POST", "/api/v1/tenants", ADMIN, "application/x-www-form-urlencoded", "a=%zz".getBytes());
        problem(postForm, 400, "validation_failed");
        assertThat(api.get("/api/v1/tenants/" + tenant, ADMIN).body()).isEqualTo(before);
    }

    // 4. Wildcard content types.

    @Test
    void wildcardContentTypesAre415() {
        long tenants = count("tenants");
        for (String type : new String[] {"*/*", "application/*", "*/json", "not a type"}) {
            var r = api.send("POST", "/api/v1/tenants", ADMIN, type, "{\"name\":\"x\"}".getBytes());
            problem(r, 415, "unsupported_media_type");
        }
        assertThat(count("tenants")).isEqualTo(tenants);
    }

    // 5. Schemas: reference cycles and patterns.

    @Test
    void cyclicSchemasAreRefusedWithThePath() {
        String tenant = newTenant();
        String types = "/api/v1/tenants/" + tenant + "/event-types";
        var self = api.post(types, ADMIN, "{\"name\":\"a.self\",\"schema\":{\"$ref\":\"#\"}}");
        problem(self, 400, "validation_failed");
        assertThat(self.json().get("errors").get(0).get("field").asString()).isEqualTo("schema.$ref");

        var pair = api.post(
                types,
                ADMIN,
                "{\"name\":\"a.pair\",\"schema\":{\"$ref\":\"#/$defs/a\",\"$defs\":{"
                        + "\"a\":{\"allOf\":[{\"$ref\":\"#/$defs/b\"}]},\"b\":{\"$ref\":\"#/$defs/a\"}}}}");
        problem(pair, 400, "validation_failed");
        assertThat(pair.json().get("errors").get(0).get("field").asString()).startsWith("schema");

        var anchored = api.post(
                types,
                ADMIN,
                "{\"name\":\"a.anchor\",\"schema\":{\"$defs\":{\"n\":{\"$anchor\":\"node\",\"not\":{\"$ref\":\"#node\"}}},"
                        + "\"$ref\":\"#node\"}}");
        problem(anchored, 400, "validation_failed");
        assertThat(count("event_types WHERE tenant_id = '" + tenant + "'")).isZero();

        // Recursion through a property descends into the payload: a tree is a fine schema.
        var tree = api.post(
                types,
                ADMIN,
                "{\"name\":\"a.tree\",\"schema\":{\"type\":\"object\",\"properties\":{\"children\":"
                        + "{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}}");
        assertThat(tree.status()).as(tree.toString()).isEqualTo(201);
        var message = api.post(
                "/api/v1/tenants/" + tenant + "/messages",
                ADMIN,
                "{\"eventType\":\"a.tree\",\"payload\":{\"children\":[{\"children\":[{\"children\":3}]}]}}");
        problem(message, 422, "schema_mismatch");
    }

    @Test
    void schemaPatternsRunInLinearTimeAndUnsupportedOnesAreRefused() {
        String tenant = newTenant();
        String types = "/api/v1/tenants/" + tenant + "/event-types";
        var backReference = api.post(
                types,
                ADMIN,
                "{\"name\":\"p.backref\",\"schema\":{\"properties\":{\"x\":{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}}}}");
        problem(backReference, 400, "validation_failed");
        assertThat(backReference.json().get("errors").get(0).get("field").asString())
                .isEqualTo("schema.properties.x.pattern");
        var lookahead =
                api.post(types, ADMIN, "{\"name\":\"p.look\",\"schema\":{\"patternProperties\":{\"(?=a)\":{}}}}");
        problem(lookahead, 400, "validation_failed");

        var evil = api.post(
                types,
                ADMIN,
                "{\"name\":\"p.evil\",\"schema\":{\"properties\":{\"x\":{\"type\":\"string\",\"pattern\":\"(.*a){12}$\"}}}}");
        assertThat(evil.status()).as(evil.toString()).isEqualTo(201);
        long started = System.nanoTime();
        var message = api.post(
                "/api/v1/tenants/" + tenant + "/messages",
                ADMIN,
                "{\"eventType\":\"p.evil\",\"payload\":{\"x\":\"" + "a".repeat(40) + "!" + "\"}}");
        problem(message, 422, "schema_mismatch");
        // A backtracking engine takes minutes on this; RE2/J is linear.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    // 7. Writes negotiate Accept before they run.

    @Test
    void aWriteWithANonJsonAcceptWritesNothing() {
        String tenant = newTenant();
        for (String accept : new String[] {"application/xml", "text/html", "*/*;q=abc", "application/json;q=0"}) {
            long keys = count("api_keys");
            var r = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant + "/api-keys"))
                    .header("Authorization", "Bearer " + ADMIN)
                    .header("Content-Type", "application/json")
                    .header("Accept", accept)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"k\",\"role\":\"admin\"}"))
                    .build());
            problem(r, 406, "not_acceptable");
            assertThat(count("api_keys")).as(accept).isEqualTo(keys);
        }
        var read = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Accept", "*/*;q=abc")
                .build());
        problem(read, 406, "not_acceptable");
        var fine = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant + "/api-keys"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .header("Accept", "text/html, application/*;q=0.5")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"k\",\"role\":\"admin\"}"))
                .build());
        assertThat(fine.status()).as(fine.toString()).isEqualTo(201);
    }

    // 8. Numbers are kept exactly as sent.

    @Test
    void hugeAndPreciseNumbersAreDeliveredAsSent() throws Exception {
        String tenant = newTenant();
        try (Receiver receiver = new Receiver()) {
            var endpoint = api.post(
                    "/api/v1/tenants/" + tenant + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + receiver.url("/hook") + "\",\"filter\":{\"path\":\"huge\",\"eq\":1e999}}");
            assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
            String payload =
                    "{\"huge\":1e999,\"precise\":0.1000000000000000000001,\"big\":123456789012345678901234567890}";
            var sent = api.post(
                    "/api/v1/tenants/" + tenant + "/messages",
                    ADMIN,
                    "{\"eventType\":\"n.huge\",\"payload\":" + payload + "}");
            assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
            var skipped = api.post(
                    "/api/v1/tenants/" + tenant + "/messages",
                    ADMIN,
                    "{\"eventType\":\"n.huge\",\"payload\":{\"huge\":1e998}}");
            assertThat(skipped.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.requests.isEmpty());
            JsonNode data = tools.jackson.databind.json.JsonMapper.builder()
                    .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build()
                    .readTree(receiver.requests.getFirst().body())
                    .get("data");
            assertThat(data.get("huge").decimalValue()).isEqualByComparingTo(new BigDecimal("1e999"));
            assertThat(data.get("precise").decimalValue())
                    .isEqualByComparingTo(new BigDecimal("0.1000000000000000000001"));
            assertThat(data.get("big").bigIntegerValue())
                    .isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
            assertThat(receiver.requests.getFirst().text()).doesNotContain("Infinity");
            var stored = api.get(
                    "/api/v1/tenants/" + tenant + "/messages/"
                            + sent.json().get("id").asString(),
                    ADMIN);
            assertThat(stored.body()).doesNotContain("Infinity");
            assertThat(receiver.requests).hasSize(1);
        } finally {
            disableEndpoints(tenant);
        }
    }

    // 9. Every error is problem+json with a code, the container's own included.

    @Test
    void theContainersOwnErrorsAreProblems() throws Exception {
        for (String path : new String[] {
            "/api/v1/te%00nants", "/api/v1/te%2Fnants", "/api/v1/te%5Cnants", "/api/v1/te%FFnants", "/api/v1/te\\nants"
        }) {
            var r = RawHttp.exchange(
                    port, "GET " + path + " HTTP/1.1" + SEP + "Host: x" + SEP + "Connection: close" + SEP + SEP);
            problem(r, 400, "malformed_request");
        }
        var huge = RawHttp.exchange(
                port,
                "GET /api/v1/tenants HTTP/1.1" + SEP + "Host: x" + SEP + "X-Big: " + "a".repeat(20_000) + SEP
                        + "Connection: close" + SEP + SEP);
        problem(huge, 400, "malformed_request");

        var expect = RawHttp.exchange(
                port,
                "POST /api/v1/tenants HTTP/1.1" + SEP + "Host: x" + SEP + "Expect: teapot" + SEP + "Content-Length: 2"
                        + SEP + SEP + "{}");
        problem(expect, 417, "expectation_failed");
        assertThat(expect.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(expect.closed()).isTrue();

        var coding = RawHttp.exchange(
                port,
                "POST /api/v1/tenants HTTP/1.1" + SEP + "Host: x" + SEP + "Transfer-Encoding: rot13" + SEP
                        + "Connection: close" + SEP + SEP + "{}");
        problem(coding, 501, "not_implemented");

        var version = RawHttp.exchange(
                port, "GET /api/v1/tenants HTTP/1.9" + SEP + "Host: x" + SEP + "Connection: close" + SEP + SEP);
        problem(version, 505, "http_version_not_supported");

        var accept = RawHttp.exchange(
                port,
                "GET /api/v1/nothing-here HTTP/1.1" + SEP + "Host: x" + SEP + auth() + "Accept: */*;q=abc" + SEP
                        + "Connection: close" + SEP + SEP);
        problem(accept, 404, "not_found");

        var semicolon = RawHttp.exchange(
                port,
                "GET /api/v1/te;x=1/nants HTTP/1.1" + SEP + "Host: x" + SEP + auth() + "Connection: close" + SEP + SEP);
        assertThat(semicolon.status()).isBetween(400, 404);
        assertThat(semicolon.header("Content-Type")).startsWith("application/problem+json");
        assertThat(semicolon.json().get("code").asString()).isNotBlank();
        assertThat(semicolon.json().get("instance").asString()).isNotEqualTo("/error");
    }

    // 10b. Enums match exactly.

    @Test
    void rolesMatchExactly() {
        String tenant = newTenant();
        long keys = count("api_keys");
        for (String role : new String[] {"admin ", " admin", "admin\\n", "Admin"}) {
            var r = api.post(
                    "/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"k\",\"role\":\"" + role + "\"}");
            problem(r, 400, "validation_failed");
            assertThat(r.json().get("errors").findValuesAsString("field")).contains("role");
        }
        assertThat(count("api_keys")).isEqualTo(keys);
    }

    // 10c and "Also": caller mistakes are logged briefly or not at all.

    @Test
    void callerMistakesLeaveNoWarningsOrStackTraces(CapturedOutput output) throws Exception {
        String marker = "zz" + UUID.randomUUID().toString().replace("-", "");
        api.get("/nowhere/" + marker, null);
        api.get("/api/v1/" + marker, ADMIN);
        api.get("/oauth/callback?state=%FF&m=" + marker, null);
        api.send("POST", "/api/v1/tenants?m=" + marker, ADMIN, "*/*", "{}".getBytes());
        RawHttp.exchange(
                port,
                "GET /api/v1/" + marker + "%00 HTTP/1.1" + SEP + "Host: x" + SEP + "Connection: close" + SEP + SEP);
        String log = output.getAll();
        assertThat(log.lines().filter(l -> l.contains(marker))).isEmpty();
        assertThat(log).doesNotContain("Unexpected error on");
    }

    // Issue 9 §5: the body cap holds on every spelling of the path; parser limits; timestamps.

    @Test
    void theBodyCapAppliesToAPercentEncodedPath() {
        long tenants = count("tenants");
        byte[] big = ("{\"name\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}").getBytes();
        var r = api.send("POST", "/%61pi/v1/tenants", ADMIN, "application/json", big);
        problem(r, 413, "payload_too_large");
        assertThat(count("tenants")).isEqualTo(tenants);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String tenant = newTenant();
        String deep = "[".repeat(5000) + "]".repeat(5000);
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/messages",
                ADMIN,
                "{\"eventType\":\"d.deep\",\"payload\":{\"x\":" + deep + "}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(count("messages WHERE tenant_id = '" + tenant + "'")).isZero();
    }

    @Test
    void outOfRangeTimestampsAre400() {
        String tenant = newTenant();
        String farCursor = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("1|" + Long.MAX_VALUE + "|x").getBytes(StandardCharsets.UTF_8));
        String nearCursor = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("1|" + Long.MIN_VALUE + "|x").getBytes(StandardCharsets.UTF_8));
        for (String path : new String[] {
            "/api/v1/tenants?cursor=" + farCursor,
            "/api/v1/tenants?cursor=" + nearCursor,
            "/api/v1/tenants/" + tenant + "/events?since=%2B10000-01-01T00:00:00Z",
            "/api/v1/tenants/" + tenant + "/events?until=-0001-01-01T00:00:00Z",
            "/api/v1/tenants/" + tenant + "/events?cursor=" + farCursor,
        }) {
            var r = api.get(path, ADMIN);
            problem(r, 400, "validation_failed");
        }
    }
}
