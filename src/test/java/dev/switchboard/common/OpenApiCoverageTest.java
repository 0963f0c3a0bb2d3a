package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Every public route is in the OpenAPI description; a new route without it fails here. */
class OpenApiCoverageTest extends ServerTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiRouteIsDescribed() {
        var docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        var paths = docs.json().get("paths");
        List<String> missing = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (info.getPathPatternsCondition() == null) return;
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/") && !pattern.startsWith("/webhooks/") && !pattern.startsWith("/oauth/"))
                    continue;
                for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                    String route = m + " " + pattern;
                    routes.add(route);
                    var item = paths.get(pattern);
                    if (item == null || !item.has(m.name().toLowerCase(Locale.ROOT))) missing.add(route);
                }
            }
        });
        assertThat(routes).contains("POST /api/v1/tenants", "DELETE /api/v1/tenants/{tenant}/api-keys/{keyId}");
        assertThat(missing).as("routes missing from /v3/api-docs").isEmpty();
        assertThat(docs.json().get("components").get("securitySchemes").has("apiKey"))
                .isTrue();
    }

    @Test
    void theBrowsableUiIsServed() {
        var ui = api.get("/swagger-ui/index.html", null);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
        assertThat(api.get("/swagger-ui.html", null).status()).isIn(200, 302);
    }
}
