package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.FormChecks;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import dev.switchboard.vault.Secret;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's inbound sources: the list with each ingest URL, creating one, and a source's page
 * (secret rotation with a grace period, disable and enable, the requests it rejected). Same rules as
 * the sources API, through {@link Sources}; the {@link TenantScope} argument is the access check, so
 * a viewer's write is refused even if it is forged. A secret Switchboard generated is shown once, in
 * the answer to the request that made it, never on a later page.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/sources")
class SourcePages {

    static final int LIMIT = 100;
    static final int REJECTIONS = 20;

    /** A source as a page shows it: never a secret, only the hint to recognise one by. */
    record SourceRow(
            String id,
            String name,
            String provider,
            boolean verified,
            boolean needsSecret,
            boolean active,
            String ingestUrl,
            String secretHint,
            Instant previousSecretExpiresAt,
            Instant createdAt) {}

    private final Sources sources;
    private final InboundProperties properties;
    private final FormChecks checks;

    SourcePages(Sources sources, InboundProperties properties, FormChecks checks) {
        this.sources = sources;
        this.properties = properties;
        this.checks = checks;
    }

    @GetMapping
    String list(TenantScope scope, Model model) {
        return listPage(scope, model);
    }

    @PostMapping
    String create(
            TenantScope scope,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String secret,
            Model model,
            HttpServletResponse response) {
        return TenantPage.submit(
                model,
                response,
                () -> {
                    var body = checks.valid(new Sources.CreateSource(
                            name,
                            provider(provider),
                            secret == null || secret.isEmpty() ? null : Secret.of(secret),
                            null,
                            null));
                    var created = sources.create(scope.tenantId(), body);
                    model.addAttribute("shownSecret", created.shownOnce());
                    model.addAttribute("shownVerifyToken", created.verifyTokenShownOnce());
                    model.addAttribute("created", true);
                    return detailPage(scope, created.source().id(), model);
                },
                () -> listPage(scope, model),
                "name",
                name,
                "provider",
                provider);
    }

    @GetMapping("/{id}")
    String detail(TenantScope scope, @PathVariable String id, Model model) {
        return detailPage(scope, id, model);
    }

    @PostMapping("/{id}/rotate")
    String rotate(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) Long graceSeconds,
            Model model) {
        var rotated = sources.rotate(scope.tenantId(), id, checks.valid(new Sources.RotateSecret(null, graceSeconds)));
        model.addAttribute("shownSecret", rotated.shownOnce());
        model.addAttribute("rotated", true);
        return detailPage(scope, id, model);
    }

    @PostMapping("/{id}/status")
    String status(TenantScope scope, @PathVariable String id, @RequestParam boolean disabled) {
        sources.update(scope.tenantId(), id, new Sources.UpdateSource(null, null, disabled));
        return "redirect:/ui/tenants/" + scope.tenantId() + "/sources/" + id;
    }

    private String listPage(TenantScope scope, Model model) {
        TenantPage.start(scope, model);
        model.addAttribute(
                "sources",
                sources.page(scope.tenantId(), new PageRequest(LIMIT, null)).stream()
                        .limit(LIMIT)
                        .map(this::row)
                        .toList());
        model.addAttribute(
                "providers",
                Arrays.stream(Provider.values()).map(Provider::wire).toList());
        return "inbound/sources";
    }

    private String detailPage(TenantScope scope, String id, Model model) {
        TenantPage.start(scope, model);
        model.addAttribute("source", row(sources.find(scope.tenantId(), id)));
        var traffic = sources.traffic(scope.tenantId(), List.of(id)).get(id);
        model.addAttribute("counts", SourceController.Counts.of(traffic == null ? null : traffic.counts()));
        model.addAttribute("rejections", sources.rejections(scope.tenantId(), id, new PageRequest(REJECTIONS, null)));
        model.addAttribute("graceChoices", List.of(0L, 3_600L, 86_400L, 604_800L));
        return "inbound/source";
    }

    private static Provider provider(String wire) {
        if (wire == null || wire.isBlank()) return null;
        return Arrays.stream(Provider.values())
                .filter(p -> p.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> ApiException.invalid("provider", "is not a known provider"));
    }

    private SourceRow row(Source s) {
        return new SourceRow(
                s.id(),
                s.name(),
                s.provider().wire(),
                s.provider() != Provider.NONE,
                s.provider().needsSecret(),
                s.status() == Source.Status.ACTIVE,
                SourceController.ingestUrl(properties, s.id()),
                s.secretHint(),
                s.previousSecretExpiresAt(),
                s.createdAt());
    }
}
