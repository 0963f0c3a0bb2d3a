package dev.switchboard.inbound;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Helpers for tests that create sources and post webhooks to the real server. */
abstract class InboundTestBase extends ServerTest {

    record Created(String id, String ingestPath, String secret, JsonNode json) {}

    Created source(String tenant, String json) {
        var r = api.post("/api/v1/tenants/" + tenant + "/sources", ADMIN, json);
        if (r.status() != 201) throw new IllegalStateException("creating a source: " + r);
        JsonNode j = r.json();
        String id = j.get("id").asString();
        return new Created(
                id, "/webhooks/" + id, j.has("secret") ? j.get("secret").asString() : null, j);
    }

    Api.Response post(String path, String contentType, String body, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) b.header("Content-Type", contentType);
        headers.forEach(b::header);
        return api.send(b.build());
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    JsonNode event(String tenant, String id) {
        var r = api.get("/api/v1/tenants/" + tenant + "/events/" + id, ADMIN);
        if (r.status() != 200) throw new IllegalStateException("reading an event: " + r);
        return r.json();
    }
}
