package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Rules firing from real conditions, once per window, and the recovery notice when they clear. */
class AlertRulesTest extends OperationsTestBase {

    /** The README's "done when": an endpoint disabled by failing gets one alert, then one recovery notice. */
    @Test
    void anEndpointDisabledByFailingSendsOneAlertAndOneRecoveryNotice() throws Exception {
        String tenant = newTenant();
        Receiver slack = receiver();
        Receiver customer = receiver();
        Receiver ops = receiver();
        channel(tenant, "slack", slack.url("/services/hook"));
        rule(tenant, "{\"kind\":\"endpoint_disabled\",\"severity\":\"error\"}");
        // The tenant may also hear of its alerts as an operational event.
        api.post(
                base(tenant) + "/endpoints",
                ADMIN,
                "{\"url\":\"" + ops.url("/ops") + "\",\"eventTypes\":[\"switchboard.alert.sent\"]}");
        api.post(base(tenant) + "/event-types", ADMIN, "{\"name\":\"order.paid\"}");
        String endpoint = api.post(
                        base(tenant) + "/endpoints",
                        ADMIN,
                        "{\"url\":\"" + customer.url("/hook") + "\",\"eventTypes\":[\"order.paid\"]}")
                .json()
                .get("id")
                .asString();

        customer.then(Answer.of(410)); // Gone: the endpoint is disabled at once
        api.post(base(tenant) + "/messages", ADMIN, "{\"eventType\":\"order.paid\",\"payload\":{}}");
        received(slack, 1);
        JsonNode alert = body(slack.requests.getFirst());
        assertThat(alert.get("blocks").get(0).get("text").get("text").asString())
                .isEqualTo("Endpoint disabled");
        assertThat(alert.get("text").asString()).contains(endpoint, "410");

        assertThat(api.patch(base(tenant) + "/endpoints/" + endpoint, ADMIN, "{\"disabled\":false}")
                        .status())
                .isEqualTo(200);
        received(slack, 2);
        JsonNode recovery = body(slack.requests.get(1));
        assertThat(recovery.get("blocks").get(0).get("text").get("text").asString())
                .isEqualTo("Resolved: Endpoint enabled again");

        JsonNode recorded = alerts(tenant);
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).get("recovery").asBoolean()).isTrue();
        assertThat(recorded.get(1).get("kind").asString()).isEqualTo("endpoint_disabled");
        assertThat(recorded.get(1).get("subject").asString()).isEqualTo(tenant + "/" + endpoint);
        assertThat(recorded.get(1).get("severity").asString()).isEqualTo("error");
        assertThat(recorded.get(1).get("deliveries").get(0).get("status").asString())
                .isEqualTo("sent");

        await().atMost(Duration.ofSeconds(15)).until(() -> ops.requests.size() >= 2);
        List<String> types =
                ops.requests.stream().map(r -> body(r).get("type").asString()).toList();
        assertThat(types).containsOnly("switchboard.alert.sent");
        assertThat(ops.requests.stream()
                        .map(r -> body(r).get("data").get("recovery").asBoolean()))
                .containsExactlyInAnyOrder(false, true);
    }

    @Test
    void theSameRuleAndSubjectAlertOncePerWindowWithACount() throws Exception {
        String tenant = newTenant();
        Receiver teams = receiver();
        channel(tenant, "teams", teams.url("/workflow"));
        rule(tenant, "{\"kind\":\"endpoint_disabled\",\"windowMinutes\":15}");
        String endpoint = api.post(base(tenant) + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/hook\"}")
                .json()
                .get("id")
                .asString();
        String path = base(tenant) + "/endpoints/" + endpoint;

        api.patch(path, ADMIN, "{\"disabled\":true}");
        received(teams, 1);
        api.patch(path, ADMIN, "{\"disabled\":false}");
        received(teams, 2); // the recovery notice
        // Disabled again within the window: counted into the first alert, not sent again.
        api.patch(path, ADMIN, "{\"disabled\":true}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> alerts(tenant).get(1).get("occurrences").asInt() == 2);
        assertThat(teams.requests).hasSize(2);

        // After the window a new alert goes out; the condition was firing, so enabling is notified.
        clock.advance(Duration.ofMinutes(16));
        api.patch(path, ADMIN, "{\"disabled\":false}");
        received(teams, 3);
        api.patch(path, ADMIN, "{\"disabled\":true}");
        received(teams, 4);
        List<String> titles = teams.requests.stream()
                .map(r -> body(r).get("attachments")
                        .get(0)
                        .get("content")
                        .get("body")
                        .get(0)
                        .get("text")
                        .asString())
                .toList();
        assertThat(titles)
                .containsExactly(
                        "Endpoint disabled",
                        "Resolved: Endpoint enabled again",
                        "Resolved: Endpoint enabled again",
                        "Endpoint disabled");
        JsonNode recorded = alerts(tenant);
        assertThat(recorded).hasSize(4);
        assertThat(recorded.get(3).get("occurrences").asInt()).isEqualTo(2);
        assertThat(recorded.get(0).get("occurrences").asInt()).isEqualTo(1);

        // Another tenant's events do not reach this tenant's rule; a platform rule hears every tenant.
        String other = newTenant();
        String otherEndpoint = api.post(base(other) + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/hook\"}")
                .json()
                .get("id")
                .asString();
        Receiver platform = receiver();
        channel(null, "webhook", platform.url("/ops"));
        rule(null, "{\"kind\":\"endpoint_disabled\"}");
        api.patch(base(other) + "/endpoints/" + otherEndpoint, ADMIN, "{\"disabled\":true}");
        received(platform, 1);
        assertThat(body(platform.requests.getFirst()).get("subject").asString()).isEqualTo(other + "/" + otherEndpoint);
        assertThat(body(platform.requests.getFirst()).get("tenantId").isNull()).isTrue();
        assertThat(teams.requests).hasSize(4);
    }

    @Test
    void aConnectionInErrorAlertsAndRecovers() throws Exception {
        String tenant = newTenant();
        Receiver provider = receiver();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"connection_error\"}");
        rule(tenant, "{\"kind\":\"connection_down\",\"severity\":\"critical\"}");
        String providerKey = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Acme API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                 "headers":{},"healthCheck":{"method":"GET","path":"/ping","expect":[200]},
                 "rateLimits":{"perSecond":5,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(providerKey, provider.url("/api")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        try {
            var c = api.post(
                    base(tenant) + "/connections",
                    ADMIN,
                    "{\"provider\":\"" + providerKey + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"k-1\"}}");
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            String id = c.json().get("id").asString();

            provider.then(Answer.of(500));
            var down = api.post(base(tenant) + "/connections/" + id + "/check", ADMIN, "{}");
            assertThat(down.json().get("status").asString()).isEqualTo("down");
            received(slack, 2);
            assertThat(slack.requests.stream()
                            .map(r -> body(r).get("blocks")
                                    .get(0)
                                    .get("text")
                                    .get("text")
                                    .asString()))
                    .containsExactlyInAnyOrder("Connection in error", "Connection down");

            var healthy = api.post(base(tenant) + "/connections/" + id + "/check", ADMIN, "{}");
            assertThat(healthy.json().get("status").asString()).isEqualTo("healthy");
            received(slack, 4);
            assertThat(slack.requests.subList(2, 4).stream()
                            .map(r -> body(r).get("blocks")
                                    .get(0)
                                    .get("text")
                                    .get("text")
                                    .asString()))
                    .containsExactlyInAnyOrder(
                            "Resolved: Connection active again", "Resolved: Connection healthy again");
            assertThat(alerts(tenant).findValuesAsString("subject")).containsOnly(tenant + "/" + id);
        } finally {
            api.delete("/api/v1/providers/" + providerKey, ADMIN);
        }
    }

    @Test
    void rulesAreCheckedBeforeTheyAreStored() {
        String tenant = newTenant();
        var unknown = api.post(base(tenant) + "/alert-rules", ADMIN, "{\"kind\":\"everything\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("endpoint_disabled", "signature_spike");
        assertThat(api.post(base(tenant) + "/alert-rules", ADMIN, "{\"kind\":\"backlog\",\"threshold\":5}")
                        .status())
                .as("backlogs are the platform's")
                .isEqualTo(400);
        assertThat(api.post(base(tenant) + "/alert-rules", ADMIN, "{\"kind\":\"signature_spike\"}")
                        .status())
                .as("a spike needs a threshold")
                .isEqualTo(400);
        assertThat(api.post(
                                base(tenant) + "/alert-rules",
                                ADMIN,
                                "{\"kind\":\"endpoint_disabled\",\"windowMinutes\":0}")
                        .status())
                .isEqualTo(400);
        assertThat(api.post(
                                base(tenant) + "/alert-rules",
                                ADMIN,
                                "{\"kind\":\"endpoint_disabled\",\"severity\":\"loud\"}")
                        .status())
                .isEqualTo(400);
        String id = rule(tenant, "{\"kind\":\"signature_spike\",\"threshold\":20}");
        var rule = api.get(base(tenant) + "/alert-rules/" + id, ADMIN).json();
        assertThat(rule.get("windowMinutes").asInt()).isEqualTo(15);
        assertThat(rule.get("severity").asString()).isEqualTo("warning");
        var changed = api.patch(base(tenant) + "/alert-rules/" + id, ADMIN, "{\"threshold\":30,\"enabled\":false}");
        assertThat(changed.json().get("threshold").asInt()).isEqualTo(30);
        assertThat(changed.json().get("enabled").asBoolean()).isFalse();
        assertThat(api.get(base(newTenant()) + "/alert-rules/" + id, ADMIN).status())
                .isEqualTo(404);
        assertThat(api.delete(base(tenant) + "/alert-rules/" + id, ADMIN).status())
                .isEqualTo(204);
        assertThat(api.get(base(tenant) + "/alert-rules", ADMIN).json().get("data"))
                .isEmpty();
    }
}
