package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypeTest extends ServerTest {

    @Test
    void declaresListsUpdatesAndDeletesEventTypes() {
        String t = newTenant();
        String base = "/api/v1/tenants/" + t + "/event-types";
        var created = api.post(base, ADMIN, "{\"name\":\"invoice.paid\",\"description\":\"An invoice was paid\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("deprecated").asBoolean()).isFalse();
        assertThat(api.post(base, ADMIN, "{\"name\":\"invoice.paid\"}").status())
                .isEqualTo(409);
        assertThat(api.post(base, ADMIN, "{\"name\":\"has space\"}").status()).isEqualTo(400);
        assertThat(api.post(base, ADMIN, "{\"name\":\"x\",\"schema\":[]}").status())
                .isEqualTo(400);
        api.post(base, ADMIN, "{\"name\":\"customer.created\"}");

        assertThat(api.get(base, ADMIN).json().findValuesAsString("name"))
                .containsExactly("customer.created", "invoice.paid");
        var deprecated = api.patch(base + "/invoice.paid", ADMIN, "{\"deprecated\":true}");
        assertThat(deprecated.json().get("deprecated").asBoolean()).isTrue();
        assertThat(deprecated.json().get("description").asString()).isEqualTo("An invoice was paid");
        assertThat(api.delete(base + "/invoice.paid", ADMIN).status()).isEqualTo(204);
        assertThat(api.get(base + "/invoice.paid", ADMIN).status()).isEqualTo(404);
        assertThat(api.patch(base + "/nope", ADMIN, "{\"deprecated\":true}").status())
                .isEqualTo(404);
    }

    @Test
    void eventTypesComeInPagesByName() {
        String base = "/api/v1/tenants/" + newTenant() + "/event-types";
        for (String name : List.of("t.3", "t.1", "t.5", "t.2", "t.4")) {
            assertThat(api.post(base, ADMIN, "{\"name\":\"" + name + "\"}").status())
                    .isEqualTo(201);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = api.get(base + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), ADMIN);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.json().get("data").size()).isLessThanOrEqualTo(2);
            page.json().get("data").forEach(t -> seen.add(t.get("name").asString()));
            cursor = page.json().get("nextCursor").isNull()
                    ? null
                    : page.json().get("nextCursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactly("t.1", "t.2", "t.3", "t.4", "t.5");
        assertThat(pages).isEqualTo(3);
        assertThat(api.get(base + "?limit=0", ADMIN).status()).isEqualTo(400);
        assertThat(api.get(base + "?cursor=not-a-cursor", ADMIN).status()).isEqualTo(400);
    }
}
