package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.PlatformAdmin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Providers")
@RestController
@RequestMapping("/api/v1/providers")
class ProviderController {

    /** A catalog entry as shown; {@code builtIn} tells the versioned catalog from an operator's addition. */
    record ProviderView(Provider provider, boolean builtIn, int catalogVersion) {}

    private final Catalog catalog;

    ProviderController(Catalog catalog) {
        this.catalog = catalog;
    }

    @Operation(summary = "The provider catalog; filter by category or authType")
    @GetMapping
    List<Provider> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) String authType) {
        if (caller == null) throw ApiException.forbidden("A key is required.");
        return catalog.all().stream()
                .filter(p -> category == null || p.category().equals(category))
                .filter(p -> authType == null || p.authType().wire().equals(authType))
                .toList();
    }

    @Operation(summary = "One provider")
    @GetMapping("/{key}")
    ProviderView get(@AuthenticationPrincipal Caller caller, @PathVariable String key) {
        if (caller == null) throw ApiException.forbidden("A key is required.");
        return new ProviderView(catalog.require(key), catalog.builtIn(key), catalog.version());
    }

    @Operation(summary = "Add a provider to the catalog (platform admins)")
    @PostMapping
    ResponseEntity<Provider> add(PlatformAdmin admin, @RequestBody Provider body) {
        catalog.add(body);
        return ResponseEntity.created(URI.create("/api/v1/providers/" + body.key()))
                .body(body);
    }

    @Operation(summary = "Remove a provider an operator added (platform admins)")
    @DeleteMapping("/{key}")
    ResponseEntity<Void> remove(PlatformAdmin admin, @PathVariable String key) {
        if (catalog.builtIn(key)) throw ApiException.conflict("Built-in providers cannot be removed.");
        if (!catalog.remove(key)) throw ApiException.notFound("provider"); // 409 provider_in_use while used
        return ResponseEntity.noContent().build();
    }
}
