package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import org.junit.jupiter.api.Test;

/** A viewer key reads endpoints without learning the tokens their URLs often carry. */
class EndpointViewerTest extends ServerTest {

    @Test
    void aViewerSeesAnEndpointUrlsOriginOnly() {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant + "/endpoints";
        String url = "http://127.0.0.1:9/hooks/tok_path_secret?key=query_secret";
        var created = api.post(base, ADMIN, "{\"url\":\"" + url + "\",\"disabled\":true}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        String viewer = newKey(tenant, "viewer");

        var one = api.get(base + "/" + id, viewer);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("url").asString()).isEqualTo("http://127.0.0.1:9");
        var list = api.get(base, viewer);
        assertThat(list.json().get("data").get(0).get("url").asString()).isEqualTo("http://127.0.0.1:9");
        assertThat(one.body() + list.body()).doesNotContain("secret");

        // Keys that may change the endpoint see what they set.
        assertThat(api.get(base + "/" + id, newKey(tenant, "admin"))
                        .json()
                        .get("url")
                        .asString())
                .isEqualTo(url);
        assertThat(api.get(base + "/" + id, ADMIN).json().get("url").asString()).isEqualTo(url);
    }
}
