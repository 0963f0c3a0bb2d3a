package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.FormChecks;
import dev.switchboard.common.PagePolicy;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The dashboard's connections: the tenant's connections by category with their state and health,
 * quick actions (check now, suspend, resume, reconnect, disconnect after a confirmation), and the
 * setup wizard: choose a provider (by category, searchable), then name, environment and the
 * catalog's credential fields (secrets masked, tried with the provider's health check, whose error
 * is shown) or an OAuth client and "Connect with OAuth" (to the provider and back). Same rules as
 * the connections API, through {@link ConnectionLifecycle}, {@link HealthChecks} and {@link OAuthFlow}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/connections")
class ConnectionPages {

    /** A provider as the wizard offers it. */
    record Choice(
            String key,
            String name,
            String category,
            String authType,
            List<Provider.CredentialField> credentialFields,
            List<Provider.ConfigField> configFields,
            List<String> defaultScopes,
            String webhookScheme,
            String docsUrl) {}

    private final ConnectionLifecycle lifecycle;
    private final HealthChecks health;
    private final OAuthFlow oauth;
    private final Catalog catalog;
    private final ConnectionsProperties properties;
    private final FormChecks checks;
    private final ConnectionBoard board;

    ConnectionPages(
            ConnectionLifecycle lifecycle,
            ConnectionBoard board,
            HealthChecks health,
            OAuthFlow oauth,
            Catalog catalog,
            ConnectionsProperties properties,
            FormChecks checks) {
        this.lifecycle = lifecycle;
        this.board = board;
        this.health = health;
        this.oauth = oauth;
        this.catalog = catalog;
        this.properties = properties;
        this.checks = checks;
    }

    @GetMapping
    String list(TenantScope scope, Model model, HttpServletResponse response) {
        ConnectionBoard.Board b = board.forTenant(scope.tenantId());
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        model.addAttribute("byCategory", b.byCategory());
        if (!b.formTargets().isEmpty())
            response.setHeader(PagePolicy.HEADER, PagePolicy.allowingFormsTo(b.formTargets()));
        return "connections/connections";
    }

    @PostMapping("/{id}/check")
    String check(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        HealthResult r = health.check(scope.tenantId(), id);
        redirect.addFlashAttribute("checked", r.status().wire() + " · " + r.latencyMs() + " ms");
        return back(scope);
    }

    @PostMapping("/{id}/suspend")
    String suspend(TenantScope scope, @PathVariable String id) {
        lifecycle.suspend(scope.tenantId(), id);
        return back(scope);
    }

    @PostMapping("/{id}/resume")
    String resume(TenantScope scope, @PathVariable String id) {
        lifecycle.resume(scope.tenantId(), id);
        return back(scope);
    }

    /** OAuth connections authorize again (to the provider and back); others are asked for new credentials. */
    @PostMapping("/{id}/reconnect")
    String reconnect(TenantScope scope, @PathVariable String id) {
        Connection c = lifecycle.find(scope.tenantId(), id);
        Provider p = catalog.require(c.provider());
        if (!p.oauth()) return "redirect:/ui/tenants/" + scope.tenantId() + "/connections/" + id + "/credentials";
        Connection pending = lifecycle.reconnect(scope.tenantId(), id, null);
        return "redirect:" + oauth.authorize(pending, callback());
    }

    /** Reconnecting a key-based connection: new credentials, tried with the provider first. */
    @GetMapping("/{id}/credentials")
    String credentials(TenantScope scope, @PathVariable String id, Model model) {
        Connection c = lifecycle.find(scope.tenantId(), id);
        model.addAttribute("connection", board.row(c));
        return formPage(scope, catalog.require(c.provider()), Map.of(), model);
    }

    @PostMapping("/{id}/credentials")
    String replaceCredentials(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam MultiValueMap<String, String> form,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        Connection c = lifecycle.find(scope.tenantId(), id);
        Provider p = catalog.require(c.provider());
        Map<String, String> credentials = fields(form, "credential.");
        try {
            checks.valid(new ConnectionController.Reconnect(credentials));
            lifecycle.reconnect(scope.tenantId(), id, credentials);
            redirect.addFlashAttribute("reconnected", c.name());
            return back(scope);
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
            model.addAttribute("connection", board.row(c));
            return formPage(scope, p, Map.of(), model);
        }
    }

    @PostMapping("/{id}/delete")
    String delete(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        lifecycle.delete(scope.tenantId(), id);
        redirect.addFlashAttribute("deleted", true);
        return back(scope);
    }

    /** Wizard step 1: a provider, by category; {@code q} filters by name, key or category. */
    @GetMapping("/new")
    String choose(TenantScope scope, @RequestParam(required = false) String q, Model model) {
        String needle = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        Map<String, List<Choice>> byCategory = new LinkedHashMap<>();
        for (String category : Provider.CATEGORIES) byCategory.put(category, new ArrayList<>());
        catalog.all().stream()
                .filter(p -> needle.isEmpty()
                        || (p.key() + " " + p.name() + " " + p.category())
                                .toLowerCase(Locale.ROOT)
                                .contains(needle))
                .map(ConnectionPages::choice)
                .forEach(c -> byCategory
                        .computeIfAbsent(c.category(), k -> new ArrayList<>())
                        .add(c));
        byCategory.values().removeIf(List::isEmpty);
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        model.addAttribute("q", q);
        model.addAttribute("byCategory", byCategory);
        return "connections/choose";
    }

    /** Wizard step 2: name, environment, and credentials or an OAuth client. */
    @GetMapping("/new/{provider}")
    String form(
            TenantScope scope,
            @PathVariable String provider,
            @RequestParam(required = false) String draft,
            HttpSession session,
            Model model) {
        Provider p = provider(provider);
        // Back from the review: what was typed comes back, except secrets.
        Map<String, String> typed = Drafts.peek(session, draft, scope.tenantId(), p.key())
                .map(d -> kept(p, d.form()))
                .orElse(Map.of());
        return formPage(scope, p, typed, model);
    }

    /**
     * Wizard step 3: review. The details are checked (not yet with the provider) and kept in the
     * session, not in the page: the review shows secrets masked, and its form carries only the
     * draft's id, so no secret travels back into any page.
     */
    @PostMapping("/new/{provider}/review")
    String review(
            TenantScope scope,
            @PathVariable String provider,
            @RequestParam MultiValueMap<String, String> form,
            HttpSession session,
            Model model,
            HttpServletResponse response) {
        Provider p = provider(provider);
        try {
            checks.valid(body(p, form));
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
            return formPage(scope, p, kept(p, form), model);
        }
        String draft = Drafts.put(session, scope.tenantId(), p.key(), form);
        Choice choice = choice(p);
        Map<String, String> credentials = fields(form, "credential.");
        List<Fact> facts = new ArrayList<>();
        for (var f : choice.credentialFields()) {
            String v = credentials.get(f.name());
            facts.add(new Fact(f.label(), v == null ? null : f.secret() ? MASK : v, f.secret() && v != null));
        }
        Map<String, String> config = fields(form, "config.");
        for (var f : choice.configFields()) facts.add(new Fact(f.label(), config.get(f.name()), false));
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("provider", choice);
        model.addAttribute("draft", draft);
        model.addAttribute("name", form.getFirst("name"));
        model.addAttribute(
                "environment",
                emptyIsNull(form.getFirst("environment")) == null ? "live" : form.getFirst("environment"));
        model.addAttribute("facts", facts);
        model.addAttribute("oauth", p.oauth());
        model.addAttribute("redirects", p.oauth() && !p.clientCredentials());
        if (p.oauth() && !p.clientCredentials() && p.authorizationUrl() != null) {
            // The create answers with a redirect to the provider: this page's form may go there.
            response.setHeader(PagePolicy.HEADER, PagePolicy.allowingFormsTo(List.of(p.authorizationUrl())));
        }
        model.addAttribute("clientId", emptyIsNull(form.getFirst("clientId")));
        model.addAttribute("clientSecret", emptyIsNull(form.getFirst("clientSecret")) != null);
        model.addAttribute("scopes", emptyIsNull(form.getFirst("scopes")));
        return "connections/review";
    }

    /** A line of the review: a field's label and its value, masked for a secret (null: left empty). */
    record Fact(String label, String value, boolean masked) {}

    private static final String MASK = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";

    /**
     * Wizard step 4: create, from the reviewed draft. Credentials are tried with the provider's health
     * check first; a refusal goes back to the details with the provider's answer.
     */
    @PostMapping("/new/{provider}")
    String create(
            TenantScope scope,
            @PathVariable String provider,
            @RequestParam MultiValueMap<String, String> posted,
            HttpSession session,
            Model model,
            HttpServletResponse response) {
        Provider p = provider(provider);
        String draftId = posted.getFirst("draft");
        MultiValueMap<String, String> form = posted;
        if (draftId != null) {
            var draft = Drafts.take(session, draftId, scope.tenantId(), p.key());
            if (draft.isEmpty()) {
                response.setStatus(HttpServletResponse.SC_CONFLICT);
                model.addAttribute("expired", true);
                return formPage(scope, p, Map.of(), model);
            }
            form = draft.get().form();
        }
        try {
            var body = checks.valid(body(p, form));
            Connection c = lifecycle.create(scope.tenantId(), body);
            if (c.state() == Connection.State.PENDING_AUTH && !p.clientCredentials()) {
                return "redirect:" + oauth.authorize(c, callback());
            }
            model.addAttribute("tenant", scope.tenantId());
            model.addAttribute("connection", board.row(c));
            model.addAttribute("provider", choice(p));
            return "connections/created";
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
            return formPage(scope, p, kept(p, form), model);
        }
    }

    /** What was typed, to fill the details in again, except secrets: those are typed again. */
    private static Map<String, String> kept(Provider p, MultiValueMap<String, String> form) {
        Map<String, String> credentials = fields(form, "credential.");
        Map<String, String> kept = new LinkedHashMap<>();
        kept.put("name", form.getFirst("name"));
        kept.put("environment", form.getFirst("environment"));
        kept.put("clientId", form.getFirst("clientId"));
        kept.put("scopes", form.getFirst("scopes"));
        choice(p).credentialFields().stream()
                .filter(f -> !f.secret())
                .forEach(f -> kept.put("credential." + f.name(), credentials.get(f.name())));
        fields(form, "config.").forEach((k, v) -> kept.put("config." + k, v));
        return kept;
    }

    /** The create body the details make: the same for the review's check and for the create. */
    private static ConnectionController.CreateConnection body(Provider p, MultiValueMap<String, String> form) {
        Map<String, String> credentials = fields(form, "credential.");
        Map<String, String> config = fields(form, "config.");
        ConnectionController.OAuthSettings settings = null;
        if (p.oauth()
                && form.getFirst("clientId") != null
                && !form.getFirst("clientId").isBlank()) {
            String scopes = form.getFirst("scopes");
            settings = new ConnectionController.OAuthSettings(
                    form.getFirst("clientId").strip(),
                    emptyIsNull(form.getFirst("clientSecret")),
                    scopes == null || scopes.isBlank()
                            ? null
                            : List.of(scopes.strip().split("[,\\s]+")));
        }
        return new ConnectionController.CreateConnection(
                p.key(),
                form.getFirst("name"),
                emptyIsNull(form.getFirst("environment")),
                credentials.isEmpty() ? null : credentials,
                settings,
                config.isEmpty() ? null : config,
                null);
    }

    private String formPage(TenantScope scope, Provider p, Map<String, String> typed, Model model) {
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        model.addAttribute("provider", choice(p));
        model.addAttribute("typed", typed);
        model.addAttribute("oauth", p.oauth());
        model.addAttribute("callback", callback().toString());
        return "connections/form";
    }

    private Provider provider(String key) {
        return catalog.find(key).orElseThrow(() -> ApiException.notFound("provider"));
    }

    private URI callback() {
        String base = properties.publicUrl() == null || properties.publicUrl().isBlank()
                ? ServletUriComponentsBuilder.fromCurrentContextPath().toUriString()
                : properties.publicUrl().replaceAll("/+$", "");
        return URI.create(base + "/oauth/callback");
    }

    private static Map<String, String> fields(MultiValueMap<String, String> form, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        form.forEach((k, v) -> {
            if (k.startsWith(prefix)
                    && v != null
                    && !v.isEmpty()
                    && v.getFirst() != null
                    && !v.getFirst().isEmpty()) out.put(k.substring(prefix.length()), v.getFirst());
        });
        return out;
    }

    private static String emptyIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String back(TenantScope scope) {
        return "redirect:/ui/tenants/" + scope.tenantId() + "/connections";
    }

    private static Choice choice(Provider p) {
        return new Choice(
                p.key(),
                p.name(),
                p.category(),
                p.authType() == null ? "none" : p.authType().wire(),
                p.credentialFields() == null ? List.of() : p.credentialFields(),
                p.configFields() == null ? List.of() : p.configFields(),
                p.defaultScopes() == null ? List.of() : p.defaultScopes(),
                p.webhookScheme(),
                p.docsUrl());
    }
}
