package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.FormChecks;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's endpoints: the list, creating one with an event-type picker, and an endpoint's
 * page (enable and disable, recover failed deliveries, send a test event, its stats and latest
 * attempts, and its signing secret revealed on demand, in that one answer only). Same rules as the
 * endpoints API, through {@link Endpoints}; a viewer sees each URL's origin only, as in the API.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/endpoints")
class EndpointPages {

    /** Endpoints a page lists; older ones are a keyset page away ("Older"), never an OFFSET. */
    static final int LIMIT = 50;

    static final int TYPES = 200;
    static final int ATTEMPTS = 10;
    static final List<Integer> RECOVER_HOURS = List.of(1, 24, 168);

    private final Endpoints endpoints;
    private final FormChecks checks;
    private final JsonMapper json;
    private final Clock clock;

    EndpointPages(Endpoints endpoints, FormChecks checks, JsonMapper json, Clock clock) {
        this.endpoints = endpoints;
        this.checks = checks;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping
    String list(TenantScope scope, @RequestParam(required = false) String cursor, Model model) {
        return listPage(scope, cursor, model);
    }

    @PostMapping
    String create(
            TenantScope scope,
            @RequestParam(required = false) String url,
            @RequestParam(required = false) String description,
            @RequestParam(required = false) List<String> eventTypes,
            @RequestParam(required = false) String otherTypes,
            Model model,
            HttpServletResponse response) {
        var types = new LinkedHashSet<String>();
        if (eventTypes != null) types.addAll(eventTypes);
        if (otherTypes != null) {
            Arrays.stream(otherTypes.split("[,\\s]+")).filter(t -> !t.isBlank()).forEach(types::add);
        }
        return TenantPage.submit(
                model,
                response,
                () -> {
                    var body = checks.valid(new Endpoints.CreateEndpoint(
                            url,
                            description == null || description.isBlank() ? null : description.strip(),
                            new ArrayList<>(types),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null));
                    Endpoint created = endpoints.create(scope.tenantId(), body).endpoint();
                    return "redirect:/ui/tenants/" + scope.tenantId() + "/endpoints/" + created.id() + "?created";
                },
                () -> listPage(scope, null, model),
                "url",
                url,
                "description",
                description,
                "chosen",
                types);
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        return detailPage(scope, id, model);
    }

    @PostMapping("/{id}/status")
    String status(
            TenantScope scope, @PathVariable String id, @RequestParam boolean disabled, RedirectAttributes redirect) {
        endpoints.update(
                scope.tenantId(),
                id,
                new Endpoints.UpdateEndpoint(null, null, null, null, null, null, null, null, null, disabled));
        return back(scope, id);
    }

    @PostMapping("/{id}/test")
    String test(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        redirect.addFlashAttribute("testSent", endpoints.sendTest(scope.tenantId(), id));
        return back(scope, id);
    }

    @PostMapping("/{id}/recover")
    String recover(TenantScope scope, @PathVariable String id, @RequestParam int hours, RedirectAttributes redirect) {
        if (!RECOVER_HOURS.contains(hours)) throw ApiException.invalid("hours", "must be one of " + RECOVER_HOURS);
        String since = clock.instant().minus(Duration.ofHours(hours)).toString();
        redirect.addFlashAttribute("recovered", endpoints.recover(scope.tenantId(), id, since));
        return back(scope, id);
    }

    /** The signing secret, in this answer only: a POST, so it is never cached, linked or prefetched. */
    @PostMapping("/{id}/secret")
    String secret(TenantScope scope, @PathVariable String id, Model model) {
        model.addAttribute("shownSecret", endpoints.secret(scope.tenantId(), id).reveal());
        return detailPage(scope, id, model);
    }

    private static String back(TenantScope scope, String id) {
        return "redirect:/ui/tenants/" + scope.tenantId() + "/endpoints/" + id;
    }

    private EndpointView.Audience audience(TenantScope scope) {
        return scope.caller().canWrite() ? EndpointView.Audience.WRITER : EndpointView.Audience.VIEWER;
    }

    private String listPage(TenantScope scope, String cursor, Model model) {
        TenantPage.start(scope, model);
        PageRequest request = PageRequest.of(LIMIT, cursor == null || cursor.isBlank() ? null : cursor);
        var audience = audience(scope);
        Page<EndpointView> page = Page.of(
                        endpoints.page(scope.tenantId(), request), request, e -> new Cursor(e.createdAt(), e.id()))
                .map(e -> EndpointView.of(e, null, audience, json));
        model.addAttribute("endpoints", page.data());
        model.addAttribute("nextCursor", page.nextCursor());
        if (scope.caller().canWrite())
            model.addAttribute("typeChoices", endpoints.eventTypeChoices(scope.tenantId(), TYPES));
        return "outbound/endpoints";
    }

    private String detailPage(TenantScope scope, String id, Model model) {
        String tenant = scope.tenantId();
        TenantPage.start(scope, model);
        model.addAttribute("endpoint", EndpointView.of(endpoints.find(tenant, id), null, audience(scope), json));
        model.addAttribute("stats", endpoints.stats(tenant, id));
        model.addAttribute(
                "attempts",
                endpoints.attempts(tenant, id, new PageRequest(ATTEMPTS, null)).stream()
                        .limit(ATTEMPTS)
                        .toList());
        model.addAttribute("recoverHours", RECOVER_HOURS);
        return "outbound/endpoint";
    }
}
