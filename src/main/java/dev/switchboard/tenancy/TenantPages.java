package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's tenants page: every tenant for a platform admin, who may also create one; a
 * tenant key sees its own tenant, read-only. Same rules as the REST API, through {@link Tenants}.
 */
@Controller
class TenantPages {

    static final int LIMIT = 200;

    private final Tenants tenants;
    private final ApiKeys keys;
    private final dev.switchboard.common.FormChecks checks;

    TenantPages(Tenants tenants, ApiKeys keys, dev.switchboard.common.FormChecks checks) {
        this.tenants = tenants;
        this.keys = keys;
        this.checks = checks;
    }

    @GetMapping("/ui/tenants")
    String list(@AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("listing", tenants.list(caller, LIMIT));
        return "tenancy/tenants";
    }

    /** A tenant and its API keys, read-only: prefixes to recognise keys by, never their secrets. */
    @GetMapping("/ui/tenants/{tenant}")
    String detail(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            Model model,
            HttpServletResponse response) {
        try {
            model.addAttribute("canWrite", caller.canWrite());
            model.addAttribute("detail", tenants.detail(caller, tenant, LIMIT));
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
        }
        return "tenancy/tenant";
    }

    @PostMapping("/ui/tenants")
    String create(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String id,
            @RequestParam(required = false) String name,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        try {
            Tenant created = tenants.create(caller, id, name);
            redirect.addFlashAttribute("created", created);
            return "redirect:/ui/tenants";
        } catch (ApiException e) {
            // Shown on the page with what was typed, so nothing has to be entered twice.
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
            model.addAttribute("id", id);
            model.addAttribute("name", name);
            model.addAttribute("listing", tenants.list(caller, LIMIT));
            return "tenancy/tenants";
        }
    }

    /** A new key, shown in this answer only; the page lists it afterwards by its prefix. */
    @PostMapping("/ui/tenants/{tenant}/keys")
    String createKey(
            TenantScope scope,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String role,
            Model model,
            HttpServletResponse response) {
        Caller caller = scope.caller();
        try {
            checks.valid(new ApiKeyController.CreateKey(
                    name,
                    "viewer".equals(role)
                            ? ApiKeyController.GrantableRole.VIEWER
                            : "admin".equals(role) ? ApiKeyController.GrantableRole.ADMIN : null));
            var created = keys.create(scope.tenantId(), name, "admin".equals(role) ? Role.ADMIN : Role.VIEWER);
            model.addAttribute("shownKey", created.token());
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("keyError", e);
        }
        model.addAttribute("canWrite", caller.canWrite());
        model.addAttribute("detail", tenants.detail(caller, scope.tenantId(), LIMIT));
        return "tenancy/tenant";
    }

    @PostMapping("/ui/tenants/{tenant}/keys/{keyId}/revoke")
    String revokeKey(TenantScope scope, @PathVariable String keyId) {
        keys.revoke(scope.tenantId(), keyId);
        return "redirect:/ui/tenants/" + scope.tenantId();
    }
}
