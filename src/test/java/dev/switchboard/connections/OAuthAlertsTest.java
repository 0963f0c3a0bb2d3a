package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The connection rules fired by a real condition: a grant revoked at mock-oauth2-server's token
 * endpoint (answered invalid_grant) turns the connection to error and expired; each rule alerts a
 * local Slack-compatible receiver once, and a second refusal within the window sends nothing more.
 */
class OAuthAlertsTest extends OAuthTestBase {

    @Test
    void aRevokedGrantAlertsConnectionExpiredAndErrorOncePerWindow() throws Exception {
        try (Receiver slack = new Receiver()) {
            String alerts = "/api/v1/tenants/" + tenant;
            assertThat(api.post(
                                    alerts + "/alert-channels",
                                    ADMIN,
                                    "{\"name\":\"ops\",\"kind\":\"slack\",\"url\":\"" + slack.url("/hook") + "\"}")
                            .status())
                    .isEqualTo(201);
            for (String kind : List.of("connection_expired", "connection_error")) {
                assertThat(api.post(alerts + "/alert-rules", ADMIN, "{\"kind\":\"" + kind + "\"}")
                                .status())
                        .isEqualTo(201);
            }
            String id = create();
            follow(authorizeAndReturn(id));
            assertThat(connection(id).get("state").asString()).isEqualTo("active");

            gate.then(400, "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}");
            assertThat(api.post(base + "/" + id + "/refresh", ADMIN, "{}").status())
                    .isEqualTo(502);
            await().atMost(Duration.ofSeconds(20)).until(() -> slack.requests.size() >= 2);
            assertThat(slack.requests.stream()
                            .map(r -> Api.JSON
                                    .readTree(r.body())
                                    .get("blocks")
                                    .get(0)
                                    .get("text")
                                    .get("text")
                                    .asString()))
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t).containsIgnoringCase("connection"));
            JsonNode recorded = api.get(alerts + "/alerts", ADMIN).json().get("data");
            assertThat(recorded.findValuesAsString("kind"))
                    .containsExactlyInAnyOrder("connection_expired", "connection_error");
            assertThat(recorded.findValuesAsString("subject")).containsOnly(tenant + "/" + id);

            // Refused again within the window: nothing more is sent.
            gate.then(400, "{\"error\":\"invalid_grant\"}");
            api.post(base + "/" + id + "/refresh", ADMIN, "{}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("SELECT count(*) FROM alert_signals WHERE tenant_id = :t")
                                    .param("t", tenant)
                                    .query(Long.class)
                                    .single()
                            == 0);
            assertThat(slack.requests).as("once per window").hasSize(2);
            assertThat(api.get(alerts + "/alerts", ADMIN).json().get("data")).hasSize(2);
        }
    }
}
