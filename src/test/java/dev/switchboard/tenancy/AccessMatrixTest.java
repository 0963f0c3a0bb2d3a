package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.PathContainer;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** Every route × every kind of caller → the status it must get. Another tenant's resource is a 404. */
class AccessMatrixTest extends ServerTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    enum Who {
        PLATFORM_ADMIN,
        TENANT_ADMIN,
        TENANT_VIEWER,
        OTHER_TENANT_ADMIN,
        REVOKED_KEY,
        NO_KEY
    }

    /** {t} is the tenant under test, {k} one of its keys. Expected statuses in {@link Who} order. */
    record Route(String method, String path, String body, int... expected) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("POST", "/api/v1/tenants", "{\"name\":\"n\"}", 201, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/tenants", null, 200, 200, 200, 200, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}", null, 200, 200, 200, 404, 401, 401),
            new Route("PATCH", "/api/v1/tenants/{t}", "{\"name\":\"n\"}", 200, 200, 403, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}", null, 204, 403, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/api-keys",
                    "{\"name\":\"n\",\"role\":\"viewer\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/api-keys", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/api-keys/{k}", null, 200, 200, 200, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/api-keys/{k}", null, 204, 204, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/sources",
                    "{\"name\":\"n\",\"provider\":\"none\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/sources", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/sources/{s}", null, 200, 200, 200, 404, 401, 401),
            new Route("PATCH", "/api/v1/tenants/{t}/sources/{s}", "{\"name\":\"n\"}", 200, 200, 403, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/sources/{s}", null, 204, 204, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/sources/{s}/secret/rotate", "{}", 200, 200, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/sources/{s}/rejections", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/events", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/events/{e}", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/events/{e}/raw", null, 200, 200, 200, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/events/{e}/replay", null, 202, 202, 403, 404, 401, 401),
            new Route("GET", "/api/v1/events", null, 200, 403, 403, 403, 401, 401),
            new Route(
                    "PUT",
                    "/api/v1/tenants/{t}/subjects/new-subject",
                    "{\"userId\":\"u\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/subjects/{m}", null, 200, 200, 200, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/subjects/{m}", null, 204, 204, 403, 404, 401, 401),
            new Route(
                    "POST", "/api/v1/tenants/{t}/event-types", "{\"name\":\"new.type\"}", 201, 201, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/event-types", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/event-types/fx.type", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PATCH",
                    "/api/v1/tenants/{t}/event-types/fx.type",
                    "{\"deprecated\":true}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("DELETE", "/api/v1/tenants/{t}/event-types/fx.type", null, 204, 204, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/endpoints",
                    "{\"url\":\"http://127.0.0.1:9/hook\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/endpoints", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/endpoints/{ep}", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PATCH",
                    "/api/v1/tenants/{t}/endpoints/{ep}",
                    "{\"description\":\"d\"}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("DELETE", "/api/v1/tenants/{t}/endpoints/{ep}", null, 204, 204, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/endpoints/{ep}/secret", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/endpoints/{ep}/secret/rotate", "{}", 200, 200, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/endpoints/{ep}/recover",
                    "{\"since\":\"2020-01-01T00:00:00Z\"}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("POST", "/api/v1/tenants/{t}/endpoints/{ep}/test", null, 202, 202, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/endpoints/{ep}/stats", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/endpoints/{ep}/attempts", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/messages",
                    "{\"eventType\":\"fx.type\",\"payload\":{}}",
                    202,
                    202,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/messages/{msg}", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/messages/{msg}/attempts", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/messages/{msg}/endpoints/{ep}/resend",
                    null,
                    202,
                    202,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/providers", null, 200, 200, 200, 200, 401, 401),
            new Route("GET", "/api/v1/providers/stripe", null, 200, 200, 200, 200, 401, 401),
            new Route("POST", "/api/v1/providers", "{\"key\":\"Bad\"}", 400, 403, 403, 403, 401, 401),
            new Route("DELETE", "/api/v1/providers/stripe", null, 409, 403, 403, 403, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/connections",
                    "{\"provider\":\"stripe\",\"name\":\"n\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/connections", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/connections/{c}", null, 200, 200, 200, 404, 401, 401),
            new Route("PATCH", "/api/v1/tenants/{t}/connections/{c}", "{\"name\":\"n\"}", 200, 200, 403, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/connections/{c}", null, 204, 204, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/suspend", null, 409, 409, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/resume", null, 409, 409, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/reconnect", null, 409, 409, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/connections/{c}/authorize", null, 409, 409, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/refresh", null, 409, 409, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/access-token", null, 409, 409, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/connections/{c}/check", null, 409, 409, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/connections/{c}/health", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/connections/{c}/usage", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PUT",
                    "/api/v1/tenants/{t}/connections/{c}/limits",
                    "{\"perSecond\":5}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            // The proxy takes any path below …/proxy; the matrix's connection is not active yet (409).
            new Route(
                    "GET", "/api/v1/tenants/{t}/connections/{c}/proxy/v1/balance", null, 409, 409, 409, 404, 401, 401),
            new Route(
                    "POST", "/api/v1/tenants/{t}/connections/{c}/proxy/v1/charges", "{}", 409, 409, 403, 404, 401, 401),
            new Route("PUT", "/api/v1/tenants/{t}/connections/{c}/proxy/v1/x", "{}", 409, 409, 403, 404, 401, 401),
            new Route("PATCH", "/api/v1/tenants/{t}/connections/{c}/proxy/v1/x", "{}", 409, 409, 403, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/connections/{c}/proxy/v1/x", null, 409, 409, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/outbox",
                    "{\"connection\":\"{c}\",\"request\":{\"method\":\"GET\",\"path\":\"/v1/balance\"}}",
                    202,
                    202,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/outbox", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/outbox/{j}", null, 200, 200, 200, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/outbox/{j}/cancel", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/outbox/{j}/retry", null, 409, 409, 403, 404, 401, 401),
            new Route("GET", "/api/v1/admin/vault", null, 200, 403, 403, 403, 401, 401),
            new Route("POST", "/api/v1/admin/vault/rewrap", null, 202, 403, 403, 403, 401, 401),
            // Operations: a tenant's alert channels, rules and alerts; the platform's; the job log.
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/alert-channels",
                    "{\"name\":\"n\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/alert-channels", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/alert-channels/{ac}", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PATCH",
                    "/api/v1/tenants/{t}/alert-channels/{ac}",
                    "{\"name\":\"n\"}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("DELETE", "/api/v1/tenants/{t}/alert-channels/{ac}", null, 204, 204, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/alert-channels/{ac}/test", null, 202, 202, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/alert-rules",
                    "{\"kind\":\"endpoint_disabled\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/alert-rules", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/alert-rules/{ar}", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PATCH",
                    "/api/v1/tenants/{t}/alert-rules/{ar}",
                    "{\"enabled\":false}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("DELETE", "/api/v1/tenants/{t}/alert-rules/{ar}", null, 204, 204, 403, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/alerts",
                    "{\"title\":\"t\",\"message\":\"m\"}",
                    202,
                    202,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/alerts", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/alerts/{al}", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/alert-channels",
                    "{\"name\":\"n\",\"kind\":\"bad\"}",
                    400,
                    403,
                    403,
                    403,
                    401,
                    401),
            new Route("GET", "/api/v1/alert-channels", null, 200, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/alert-channels/ach_none", null, 404, 403, 403, 403, 401, 401),
            new Route("PATCH", "/api/v1/alert-channels/ach_none", "{\"name\":\"n\"}", 404, 403, 403, 403, 401, 401),
            new Route("DELETE", "/api/v1/alert-channels/ach_none", null, 404, 403, 403, 403, 401, 401),
            new Route("POST", "/api/v1/alert-channels/ach_none/test", null, 404, 403, 403, 403, 401, 401),
            new Route("POST", "/api/v1/alert-rules", "{\"kind\":\"bad\"}", 400, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/alert-rules", null, 200, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/alert-rules/arl_none", null, 404, 403, 403, 403, 401, 401),
            new Route("PATCH", "/api/v1/alert-rules/arl_none", "{\"enabled\":true}", 404, 403, 403, 403, 401, 401),
            new Route("DELETE", "/api/v1/alert-rules/arl_none", null, 404, 403, 403, 403, 401, 401),
            new Route("POST", "/api/v1/alerts", "{\"title\":\"t\",\"message\":\"m\"}", 202, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/alerts", null, 200, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/alerts/alr_none", null, 404, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/admin/jobs", null, 200, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/audit", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/audit", null, 200, 403, 403, 403, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/calls", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/calls/{call}", null, 200, 200, 200, 404, 401, 401),
            // Read models and analytics (issue 12).
            new Route("GET", "/api/v1/tenants/{t}/messages", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/deliveries", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/deliveries/resend",
                    "{\"status\":\"failed\"}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("POST", "/api/v1/tenants/{t}/events/replay", "{}", 202, 202, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/events/replay/{rp}", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/connections/counts", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/analytics", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/activity", null, 200, 200, 200, 404, 401, 401),
            // Consent and sending domains (issue 15, items 3 to 5).
            new Route("POST", "/api/v1/tenants/{t}/contacts", "{}", 400, 400, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/contacts", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/contacts/{ct}", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/contacts/{ct}/consent", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/contacts/{ct}/consent",
                    "{\"channel\":\"email\",\"purpose\":\"marketing\",\"status\":\"granted\"}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/contacts/{ct}/preferences", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PUT",
                    "/api/v1/tenants/{t}/contacts/{ct}/preferences",
                    "{\"choices\":[{\"channel\":\"sms\",\"purpose\":\"marketing\",\"status\":\"withdrawn\"}]}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/contacts/{ct}/unsubscribe-links",
                    "{\"channel\":\"email\",\"purpose\":\"marketing\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("POST", "/api/v1/tenants/{t}/contacts/{ct}/export", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/contacts/{ct}/erase", null, 200, 200, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/consent/can-send", null, 400, 400, 400, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/domains", "{\"domain\":\"bad\"}", 400, 400, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/domains", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/domains/{dom}", null, 200, 200, 200, 404, 401, 401),
            new Route("DELETE", "/api/v1/tenants/{t}/domains/{dom}", null, 204, 204, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/domains/{dom}/check", null, 200, 200, 403, 404, 401, 401),
            // Approvals (issue 15): a job waiting for approval in batch b1, due in 2999 once approved.
            new Route("GET", "/api/v1/tenants/{t}/approvals", null, 200, 200, 200, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/approvals/{aj}", null, 200, 200, 200, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/approvals/{aj}/approve", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/approvals/{aj}/deny", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/approvals/batches/b1/approve", null, 200, 200, 403, 404, 401, 401),
            new Route("POST", "/api/v1/tenants/{t}/approvals/batches/b1/deny", null, 200, 200, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/approval-settings", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "PUT",
                    "/api/v1/tenants/{t}/approval-settings",
                    "{\"fourEyes\":true}",
                    200,
                    200,
                    403,
                    404,
                    401,
                    401),
            new Route("GET", "/api/v1/tenants/{t}/approval-rules", null, 200, 200, 200, 404, 401, 401),
            new Route(
                    "POST",
                    "/api/v1/tenants/{t}/approval-rules",
                    "{\"name\":\"n\",\"provider\":\"stripe\"}",
                    201,
                    201,
                    403,
                    404,
                    401,
                    401),
            new Route("DELETE", "/api/v1/tenants/{t}/approval-rules/{apr}", null, 204, 204, 403, 404, 401, 401),
            new Route("GET", "/api/v1/tenants/{t}/domains/{dom}/deliverability", null, 200, 200, 200, 404, 401, 401));
    /** A mapped API route: its method and its path pattern as declared. */
    record Mapped(String method, PathPattern pattern) {
        boolean covers(Route route) {
            return method.equals(route.method()) && pattern.matches(PathContainer.parsePath(route.path()));
        }

        @Override
        public String toString() {
            return method + " " + pattern.getPatternString();
        }
    }

    /** Every route the server maps under /api/, read from Spring MVC itself. */
    private List<Mapped> mappedApiRoutes() {
        List<Mapped> mapped = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (info.getPathPatternsCondition() == null) return;
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/")) continue;
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                // A route that takes every method would escape the read/write split: there is none.
                assertThat(methods).as(pattern + " declares its methods").isNotEmpty();
                for (RequestMethod m : methods) {
                    mapped.add(new Mapped(m.name(), PathPatternParser.defaultInstance.parse(pattern)));
                }
            }
        });
        return mapped;
    }

    @Test
    void everyMappedRouteHasAMatrixEntry() {
        List<Mapped> mapped = mappedApiRoutes();
        assertThat(mapped).hasSizeGreaterThan(50);
        Set<String> missing = new TreeSet<>();
        for (Mapped m : mapped) {
            if (ROUTES.stream().noneMatch(m::covers)) missing.add(m.toString());
        }
        assertThat(missing)
                .as("API routes with no entry in AccessMatrixTest.ROUTES: add one per route")
                .isEmpty();
        Set<String> stale = new TreeSet<>();
        for (Route r : ROUTES) {
            if (mapped.stream().noneMatch(m -> m.covers(r))) stale.add(r.toString());
        }
        assertThat(stale).as("matrix entries that match no mapped route").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyRouteForEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Route route : ROUTES) {
            for (Who who : Who.values()) {
                int expected = route.expected()[who.ordinal()];
                tests.add(DynamicTest.dynamicTest(
                        route + " as " + who + " → " + expected, () -> check(route, who, expected)));
            }
        }
        return tests.stream();
    }

    /**
     * The fixture every GET route reads: a GET changes nothing, so all of them, for every caller, share
     * one (building a fixture is ~20 requests, and the matrix has ~860 cases). Other routes get a fresh
     * one per case.
     */
    private Fixture readFixture;

    private final java.util.Map<Who, String> readKeys = new java.util.EnumMap<>(Who.class);

    private void check(Route route, Who who, int expected) {
        Fixture fixture;
        if (route.method().equals("GET")) {
            if (readFixture == null) readFixture = fixture(newTenant());
            fixture = readFixture;
        } else fixture = fixture(newTenant());
        String tenant = fixture.tenant();
        String connectionId = fixture.ids().get("{c}");
        // GET cases share their callers' keys too (a tenant may hold only so many keys).
        String key = fixture == readFixture ? readKeys.computeIfAbsent(who, w -> key(w, tenant)) : key(who, tenant);
        String path = fixture.path(route.path());
        long tenantsBefore = count("tenants");
        long keysBefore = count("api_keys");
        var r = api.send(
                route.method(),
                path,
                key,
                route.body() == null ? null : "application/json",
                route.body() == null
                        ? null
                        : route.body().replace("{c}", connectionId).getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(expected);
        if (expected >= 400) {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(count("tenants")).isEqualTo(tenantsBefore);
            assertThat(count("api_keys")).isEqualTo(keysBefore);
        }
        if (expected == 404) {
            // Indistinguishable from a tenant that does not exist at all.
            var missing = api.send(
                    route.method(),
                    path.replace(tenant, "no-such-tenant"),
                    key,
                    route.body() == null ? null : "application/json",
                    route.body() == null
                            ? null
                            : route.body().replace("{c}", connectionId).getBytes(StandardCharsets.UTF_8));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("detail")).isEqualTo(r.json().get("detail"));
        }
    }

    /** A key of the kind {@code who} names, for {@code tenant} (null: no key at all). */
    private String key(Who who, String tenant) {
        return switch (who) {
            case PLATFORM_ADMIN -> ADMIN;
            case TENANT_ADMIN -> newKey(tenant, "admin");
            case TENANT_VIEWER -> newKey(tenant, "viewer");
            case OTHER_TENANT_ADMIN -> newKey(newTenant(), "admin");
            case REVOKED_KEY -> revoked(tenant);
            case NO_KEY -> null;
        };
    }

    /** A tenant with one of each thing the routes name, by placeholder ({t}, {k}, {s}, ...). */
    record Fixture(String tenant, java.util.Map<String, String> ids) {
        String path(String template) {
            String path = template;
            for (var id : ids.entrySet()) path = path.replace(id.getKey(), id.getValue());
            return path;
        }
    }

    private Fixture fixture(String tenant) {
        var target =
                api.post("/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"target\",\"role\":\"viewer\"}");
        String keyId = target.json().get("id").asString();

        // An inbound source with one event, and a subject mapping, for the inbound routes.
        var source =
                api.post("/api/v1/tenants/" + tenant + "/sources", ADMIN, "{\"name\":\"s\",\"provider\":\"token\"}");
        String sourceId = source.json().get("id").asString();
        var event = api.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(api.base() + "/webhooks/" + sourceId))
                .header("Authorization", "Bearer " + source.json().get("secret").asString())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"t\"}"))
                .build());
        api.send(
                "PUT",
                "/api/v1/tenants/" + tenant + "/subjects/m1",
                ADMIN,
                "application/json",
                "{\"userId\":\"u\"}".getBytes());
        // Outbound: an event type, a disabled endpoint (its deliveries wait, so this matrix leaves no
        // retries behind for later tests) and a message to it.
        api.post("/api/v1/tenants/" + tenant + "/event-types", ADMIN, "{\"name\":\"fx.type\"}");
        String endpointId = api.post(
                        "/api/v1/tenants/" + tenant + "/endpoints",
                        ADMIN,
                        "{\"url\":\"http://127.0.0.1:9/hook\",\"disabled\":true}")
                .json()
                .get("id")
                .asString();
        String messageId = api.post(
                        "/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"fx.type\",\"payload\":{}}")
                .json()
                .get("id")
                .asString();
        // Connections: a Stripe connection without credentials yet (not_configured).
        String connectionId = api.post(
                        "/api/v1/tenants/" + tenant + "/connections", ADMIN, "{\"provider\":\"stripe\",\"name\":\"c\"}")
                .json()
                .get("id")
                .asString();
        // Operations: an alert raised before any channel exists (so nothing is sent), a channel, a rule.
        String alertId = api.post("/api/v1/tenants/" + tenant + "/alerts", ADMIN, "{\"title\":\"t\",\"message\":\"m\"}")
                .json()
                .get("id")
                .asString();
        String channelId = api.post(
                        "/api/v1/tenants/" + tenant + "/alert-channels",
                        ADMIN,
                        "{\"name\":\"c\",\"kind\":\"slack\",\"url\":\"http://127.0.0.1:9/hook\",\"enabled\":false}")
                .json()
                .get("id")
                .asString();
        String ruleId = api.post(
                        "/api/v1/tenants/" + tenant + "/alert-rules", ADMIN, "{\"kind\":\"deliveries_exhausted\"}")
                .json()
                .get("id")
                .asString();
        // The call log: one recorded call (written directly: recording is CallLog's, not under test here).
        String callId = "call_" + java.util.UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("""
                INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                    latency_ms, request_bytes, response_bytes, called_at)
                VALUES (:id, :tenant, :connection, 'stripe', 'proxy', 'GET', '/v1/charges', 200, 1, 0, 0, CURRENT_TIMESTAMP)""")
                .param("id", callId)
                .param("tenant", tenant)
                .param("connection", connectionId)
                .update();
        // A bulk replay job (matching nothing).
        String replayId = api.post("/api/v1/tenants/" + tenant + "/events/replay", ADMIN, "{\"type\":\"no.such\"}")
                .json()
                .get("id")
                .asString();
        // Outbox: a job on that connection, queued far in the future (never claimed, never sent).
        String jobId = api.post(
                        "/api/v1/tenants/" + tenant + "/outbox",
                        ADMIN,
                        "{\"connection\":\"" + connectionId
                                + "\",\"notBefore\":\"2999-01-01T00:00:00Z\","
                                + "\"request\":{\"method\":\"GET\",\"path\":\"/v1/balance\"}}")
                .json()
                .get("id")
                .asString();
        // Consent and sending domains: a contact and a domain (its DNS has no records: checks fail fast).
        String contactId = api.post("/api/v1/tenants/" + tenant + "/contacts", ADMIN, "{\"email\":\"m@example.com\"}")
                .json()
                .get("id")
                .asString();
        String domainId = api.post("/api/v1/tenants/" + tenant + "/domains", ADMIN, "{\"domain\":\"matrix.example\"}")
                .json()
                .get("id")
                .asString();
        // Approvals: a job waiting for approval (due in 2999 once approved, so never sent), and a rule.
        String approvalJobId = api.post(
                        "/api/v1/tenants/" + tenant + "/outbox",
                        ADMIN,
                        "{\"connection\":\"" + connectionId
                                + "\",\"notBefore\":\"2999-01-01T00:00:00Z\",\"approval\":{\"required\":true,"
                                + "\"batch\":\"b1\"},\"request\":{\"method\":\"GET\",\"path\":\"/v1/balance\"}}")
                .json()
                .get("id")
                .asString();
        String approvalRuleId = api.post(
                        "/api/v1/tenants/" + tenant + "/approval-rules",
                        ADMIN,
                        "{\"name\":\"none\",\"provider\":\"no-such-provider\"}")
                .json()
                .get("id")
                .asString();
        var ids = new java.util.LinkedHashMap<String, String>();
        ids.put("{aj}", approvalJobId);
        ids.put("{apr}", approvalRuleId);
        ids.put("{ct}", contactId);
        ids.put("{dom}", domainId);
        ids.put("{j}", jobId);
        ids.put("{rp}", replayId);
        ids.put("{call}", callId);
        ids.put("{ac}", channelId);
        ids.put("{ar}", ruleId);
        ids.put("{al}", alertId);
        ids.put("{c}", connectionId);
        ids.put("{ep}", endpointId);
        ids.put("{msg}", messageId);
        ids.put("{t}", tenant);
        ids.put("{k}", keyId);
        ids.put("{s}", sourceId);
        ids.put("{e}", event.json().get("id").asString());
        ids.put("{m}", "m1");
        return new Fixture(tenant, ids);
    }

    private String revoked(String tenant) {
        var created =
                api.post("/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"old\",\"role\":\"admin\"}");
        api.delete(
                "/api/v1/tenants/" + tenant + "/api-keys/"
                        + created.json().get("id").asString(),
                ADMIN);
        return created.json().get("key").asString();
    }
}
