package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every mapped operation, taken from Spring's own route table (so a new route is fuzzed without
 * anyone listing it), gets the hostile variants that once produced 500s: undecodable query strings,
 * wildcard and multipart content types, non-JSON or unparseable Accept, huge numbers, garbage and
 * deeply nested bodies, control bytes in headers, and cyclic schemas where a schema is taken. Each
 * must be a 4xx problem+json with a code, never a 5xx, and (where the request is refused) write
 * nothing: the tenant's tables hold the same rows afterwards.
 */
class HostileRoutesFuzzTest extends ServerTest {

    private static final String SEP = "\r\n";
    private static final List<String> TABLES = List.of(
            "tenants",
            "api_keys",
            "sources",
            "inbound_events",
            "subject_mappings",
            "event_types",
            "endpoints",
            "messages",
            "deliveries",
            "custom_providers",
            "connections",
            "alert_channels",
            "alert_rules",
            "alerts",
            "event_replays",
            "outbox_jobs");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Operation(String method, String pattern, boolean takesBody) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /** A hostile request, and whether the server must refuse it (4xx, nothing written) or merely survive it. */
    record Variant(String name, String query, Map<String, String> headers, byte[] body, boolean refused) {}

    private List<Operation> operations() {
        Set<String> seen = new TreeSet<>();
        List<Operation> ops = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (info.getPathPatternsCondition() == null) return;
            boolean takesBody = List.of(handler.getMethodParameters()).stream()
                    .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/") && !pattern.startsWith("/oauth/") && !pattern.startsWith("/webhooks/"))
                    continue;
                for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                    if (seen.add(m + " " + pattern)) ops.add(new Operation(m.name(), pattern, takesBody));
                }
            }
        });
        ops.sort(java.util.Comparator.comparing(Operation::toString));
        return ops;
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) h.put(pairs[i], pairs[i + 1]);
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Variant> variants(Operation op) {
        boolean write = !op.method().equals("GET");
        String json = "application/json";
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("undecodable cursor", "cursor=%FF%FE&limit=%ED%A0%80", headers(), null, true));
        v.add(new Variant("bad percent-encoding", "%zz=1", headers(), null, true));
        v.add(new Variant("empty parameter name", "=", headers(), null, true));
        v.add(new Variant("wildcard type", "", headers("Content-Type", "*/*"), bytes("{}"), true));
        v.add(new Variant("wildcard subtype", "", headers("Content-Type", "application/*"), bytes("{}"), true));
        v.add(new Variant("unparseable type", "", headers("Content-Type", "json"), bytes("{}"), true));
        v.add(new Variant(
                "control byte in Authorization",
                "",
                headers("Authorization", "Bearer \u0085" + ADMIN, "Content-Type", json),
                bytes("{}"),
                true));
        v.add(new Variant(
                "control bytes in another header",
                "",
                headers("X-Note", "10 \u00e2\u0082\u00ac \u009f", "Content-Type", json),
                bytes("[]"),
                op.takesBody()));
        v.add(new Variant(
                "xml Accept",
                "",
                headers("Accept", "application/xml", "Content-Type", json),
                op.takesBody() ? bytes("{}") : null,
                write));
        v.add(new Variant(
                "unparseable Accept",
                "",
                headers("Accept", "*/*;q=abc", "Content-Type", json),
                op.takesBody() ? bytes("{}") : null,
                write));
        if (op.takesBody()) {
            v.add(new Variant(
                    "multipart",
                    "",
                    headers("Content-Type", "multipart/form-data; boundary=x"),
                    bytes("--x" + SEP + "Content-Disposition: form-data; name=\"name\"" + SEP + SEP + "a" + SEP
                            + "--x--"),
                    true));
            v.add(new Variant("bare huge number", "", headers("Content-Type", json), bytes("1e999"), true));
            v.add(new Variant(
                    "huge numbers",
                    "",
                    headers("Content-Type", json),
                    bytes("{\"zzUnknown\":1e999,\"payload\":{\"n\":123456789012345678901234567890e999999}}"),
                    true));
            v.add(new Variant(
                    "garbage",
                    "",
                    headers("Content-Type", json),
                    new byte[] {(byte) 0xff, (byte) 0xfe, '{', '{', 0, '"'},
                    true));
            v.add(new Variant(
                    "deep nesting",
                    "",
                    headers("Content-Type", json),
                    bytes("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}"),
                    true));
            v.add(new Variant(
                    "form body",
                    "",
                    headers("Content-Type", "application/x-www-form-urlencoded"),
                    bytes("a=%zz&b=%FF"),
                    true));
            if (op.pattern().endsWith("/event-types") || op.pattern().contains("/event-types/")) {
                v.add(new Variant(
                        "cyclic schema",
                        "",
                        headers("Content-Type", json),
                        bytes("{\"name\":\"fz.cyc\",\"schema\":{\"$ref\":\"#\"}}"),
                        true));
            }
        }
        // A variant the server may accept is sent to reads only: on a write it would change the
        // fixture (a DELETE that succeeds) and the variants after it would test something else.
        v.removeIf(variant -> !variant.refused() && write);
        return v;
    }

    @Test
    void everyOperationSurvivesHostileVariants() throws Exception {
        Fixture f = fixture();
        List<Operation> ops = operations();
        assertThat(ops).hasSizeGreaterThan(50);
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        int sent = 0;
        for (Operation op : ops) {
            String path = f.path(op.pattern());
            boolean ingest = op.pattern().startsWith("/webhooks/");
            for (Variant variant : variants(op)) {
                Map<String, Long> before = counts();
                byte[] request = request(
                        op.method(), path, variant, !ingest && !op.pattern().startsWith("/oauth/"));
                RawHttp.Response r = RawHttp.exchange(port, request);
                sent++;
                String where = op + " [" + variant.name() + "] → " + r.status() + " " + clip(r.body());
                if (r.status() >= 500) failures.add("5xx: " + where);
                if (r.status() >= 400 && !problem(r)) failures.add("not problem+json: " + where);
                if (variant.refused() && !ingest) {
                    if (r.status() < 400) failures.add("accepted: " + where);
                    Map<String, Long> after = counts();
                    if (!after.equals(before)) failures.add("wrote " + diff(before, after) + ": " + where);
                }
            }
        }
        assertThat(failures).as("hostile variants on %d operations", ops.size()).isEmpty();
        assertThat(sent).isGreaterThan(500);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(90));
    }

    private static boolean problem(RawHttp.Response r) {
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) return false;
        try {
            var code = r.json().get("code");
            return code != null && !code.asString().isBlank();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private byte[] request(String method, String path, Variant v, boolean authenticate) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        head.append(method)
                .append(' ')
                .append(path)
                .append(v.query().isEmpty() ? "" : "?" + v.query())
                .append(" HTTP/1.1")
                .append(SEP);
        head.append("Host: localhost").append(SEP).append("Connection: close").append(SEP);
        if (authenticate && !v.headers().containsKey("Authorization"))
            head.append("Authorization: Bearer ").append(ADMIN).append(SEP);
        v.headers().forEach((k, val) -> head.append(k).append(": ").append(val).append(SEP));
        byte[] body = v.body() == null ? new byte[0] : v.body();
        head.append("Content-Length: ").append(body.length).append(SEP).append(SEP);
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        return out.toByteArray();
    }

    private Map<String, Long> counts() {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String table : TABLES) c.put(table, count(table));
        return c;
    }

    private static String diff(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder sb = new StringBuilder();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k)))
                sb.append(k)
                        .append(' ')
                        .append(v)
                        .append("→")
                        .append(after.get(k))
                        .append(' ');
        });
        return sb.toString().trim();
    }

    private static String clip(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160);
    }

    /** One of every resource, so each route's path variables name something that exists. */
    record Fixture(Map<String, String> ids) {
        private static final Pattern VARIABLE = Pattern.compile("/([a-z-]+)/\\{[^}]+}");

        String path(String pattern) {
            Matcher m = VARIABLE.matcher(pattern);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(
                        sb, Matcher.quoteReplacement("/" + m.group(1) + "/" + ids.getOrDefault(m.group(1), "x")));
            }
            m.appendTail(sb);
            return sb.toString().replaceAll("\\{[^}]+}", "x");
        }
    }

    private Fixture fixture() {
        String tenant = newTenant();
        String t = "/api/v1/tenants/" + tenant;
        String keyId = api.post(t + "/api-keys", ADMIN, "{\"name\":\"k\",\"role\":\"viewer\"}")
                .json()
                .get("id")
                .asString();
        var source = api.post(t + "/sources", ADMIN, "{\"name\":\"s\",\"provider\":\"token\"}")
                .json();
        String sourceId = source.get("id").asString();
        String eventId = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + sourceId))
                        .header(
                                "Authorization",
                                "Bearer " + source.get("secret").asString())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"t\"}"))
                        .build())
                .json()
                .get("id")
                .asString();
        api.send("PUT", t + "/subjects/m1", ADMIN, "application/json", bytes("{\"userId\":\"u\"}"));
        api.post(t + "/event-types", ADMIN, "{\"name\":\"fx.type\"}");
        String endpointId = api.post(t + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/hook\",\"disabled\":true}")
                .json()
                .get("id")
                .asString();
        String messageId = api.post(t + "/messages", ADMIN, "{\"eventType\":\"fx.type\",\"payload\":{}}")
                .json()
                .get("id")
                .asString();
        String connectionId = api.post(t + "/connections", ADMIN, "{\"provider\":\"stripe\",\"name\":\"c\"}")
                .json()
                .get("id")
                .asString();
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("tenants", tenant);
        ids.put("api-keys", keyId);
        ids.put("sources", sourceId);
        ids.put("webhooks", sourceId);
        ids.put("events", eventId);
        ids.put("subjects", "m1");
        ids.put("event-types", "fx.type");
        ids.put("endpoints", endpointId);
        ids.put("messages", messageId);
        ids.put("connections", connectionId);
        ids.put("providers", "stripe");
        return new Fixture(ids);
    }
}
