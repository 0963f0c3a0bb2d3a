package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Bad input on every write route gets a 4xx problem+json with a stable code, and writes nothing. */
class BadInputTest extends ServerTest {

    record Case(String name, String contentType, byte[] body, int status, String code, String field) {}

    static Case json(String name, String body, String code, String field) {
        return new Case(name, "application/json", body.getBytes(StandardCharsets.UTF_8), 400, code, field);
    }

    static final String LONG = "x".repeat(201);

    static List<Case> common() {
        return List.of(
                json("malformed JSON", "{\"name\":", "malformed_json", null),
                json("not JSON at all", "name=acme", "malformed_json", null),
                json("trailing garbage", "{\"name\":\"a\"} {", "malformed_json", null),
                json("an array, not an object", "[]", "validation_failed", null),
                json("a string, not an object", "\"acme\"", "validation_failed", null),
                json("name of the wrong type", "{\"name\":12}", "validation_failed", "name"),
                json("name as an object", "{\"name\":{}}", "validation_failed", "name"),
                json("over-long name", "{\"name\":\"" + LONG + "\"}", "validation_failed", "name"),
                json("blank name", "{\"name\":\"   \"}", "validation_failed", "name"),
                json("unknown field", "{\"name\":\"a\",\"nmae\":\"a\"}", "validation_failed", "nmae"),
                json("NUL in a string", "{\"name\":\"a\\u0000b\"}", "validation_failed", "name"),
                new Case("empty body", "application/json", new byte[0], 400, "malformed_json", null),
                new Case(
                        "wrong content type",
                        "text/plain",
                        "{\"name\":\"a\"}".getBytes(),
                        415,
                        "unsupported_media_type",
                        null),
                new Case(
                        "form content type",
                        "application/x-www-form-urlencoded",
                        "name=a".getBytes(),
                        415,
                        "unsupported_media_type",
                        null),
                new Case("oversized body", "application/json", oversized(), 413, "payload_too_large", null));
    }

    static byte[] oversized() {
        return ("{\"name\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicTest> createTenant() {
        List<Case> cases = new ArrayList<>(common());
        cases.add(json("missing name", "{}", "validation_failed", "name"));
        cases.add(json("null name", "{\"name\":null}", "validation_failed", "name"));
        cases.add(json("id with capitals", "{\"id\":\"Acme\",\"name\":\"a\"}", "validation_failed", "id"));
        cases.add(json("id too long", "{\"id\":\"" + "a".repeat(65) + "\",\"name\":\"a\"}", "validation_failed", "id"));
        cases.add(json("id with a slash", "{\"id\":\"a/b\",\"name\":\"a\"}", "validation_failed", "id"));
        cases.add(
                json("role is not a tenant field", "{\"name\":\"a\",\"role\":\"admin\"}", "validation_failed", "role"));
        return run("POST", () -> "/api/v1/tenants", cases);
    }

    @TestFactory
    Stream<DynamicTest> updateTenant() {
        List<Case> cases = new ArrayList<>(common());
        cases.add(json("disabled as a string", "{\"disabled\":\"yes\"}", "validation_failed", "disabled"));
        cases.add(json("disabled as a number", "{\"disabled\":1}", "validation_failed", "disabled"));
        return run("PATCH", () -> "/api/v1/tenants/" + newTenant(), cases);
    }

    @TestFactory
    Stream<DynamicTest> createKey() {
        List<Case> cases = new ArrayList<>(common());
        cases.add(json("missing role", "{\"name\":\"a\"}", "validation_failed", "role"));
        cases.add(json("missing everything", "{}", "validation_failed", "name"));
        cases.add(json("unknown role", "{\"name\":\"a\",\"role\":\"owner\"}", "validation_failed", "role"));
        cases.add(json("role by index", "{\"name\":\"a\",\"role\":0}", "validation_failed", "role"));
        cases.add(json("platform role", "{\"name\":\"a\",\"role\":\"platform_admin\"}", "validation_failed", "role"));
        cases.add(json("role in capitals", "{\"name\":\"a\",\"role\":\"ADMIN\"}", "validation_failed", "role"));
        return run("POST", () -> "/api/v1/tenants/" + newTenant() + "/api-keys", cases);
    }

    private Stream<DynamicTest> run(String method, java.util.function.Supplier<String> path, List<Case> cases) {
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    String p = path.get();
                    long tenants = count("tenants");
                    long keys = count("api_keys");
                    String before = p.startsWith("/api/v1/tenants/")
                            ? api.get(p.replace("/api-keys", ""), ADMIN).body()
                            : null;
                    var r = api.send(method, p, ADMIN, c.contentType(), c.body());
                    assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
                    assertProblem(r, c.code());
                    if (c.field() != null) {
                        assertThat(r.json().get("errors").findValuesAsString("field"))
                                .as(r.toString())
                                .contains(c.field());
                    }
                    assertThat(count("tenants")).isEqualTo(tenants);
                    assertThat(count("api_keys")).isEqualTo(keys);
                    if (before != null)
                        assertThat(api.get(p.replace("/api-keys", ""), ADMIN).body())
                                .isEqualTo(before);
                }));
    }

    static void assertProblem(Api.Response r, String code) {
        assertThat(r.contentType()).startsWith("application/problem+json");
        var json = r.json();
        assertThat(json.get("code").asString()).isEqualTo(code);
        assertThat(json.get("status").asInt()).isEqualTo(r.status());
        assertThat(json.get("type").asString()).isEqualTo("urn:switchboard:problem:" + code);
        assertThat(json.get("title").asString()).isNotBlank();
        assertThat(json.get("requestId").asString()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.switchboard");
    }

    @Test
    void anOversizedChunkedBodyIsRefusedWhileReading() {
        long before = count("tenants");
        var request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversized())))
                .build();
        var r = api.send(request);
        assertThat(r.status()).isEqualTo(413);
        assertProblem(r, "payload_too_large");
        assertThat(count("tenants")).isEqualTo(before);
    }

    @Test
    void badQueryParametersAreValidationErrors() {
        for (String query : new String[] {
            "cursor=a%00b",
            "limit=1%00",
            "limit=0",
            "limit=1001",
            "limit=abc",
            "limit=-1",
            "cursor=garbage",
            "cursor=MXx4fHk"
        }) {
            var r = api.get("/api/v1/tenants?" + query, ADMIN);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertProblem(r, "validation_failed");
        }
    }

    @Test
    void unknownRoutesAndMethodsAreProblemsToo() {
        var missing = api.get("/api/v1/nothing-here", ADMIN);
        assertThat(missing.status()).isEqualTo(404);
        assertProblem(missing, "not_found");
        var method = api.send("PUT", "/api/v1/tenants", ADMIN, "application/json", "{}".getBytes());
        assertThat(method.status()).isEqualTo(405);
        assertProblem(method, "method_not_allowed");
        var outside = api.get("/nowhere", null);
        assertThat(outside.status()).isEqualTo(404);
        assertProblem(outside, "not_found");
    }
}
