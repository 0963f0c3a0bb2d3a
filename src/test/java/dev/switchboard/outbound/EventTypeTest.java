package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
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
}
