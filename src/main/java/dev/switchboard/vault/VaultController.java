package dev.switchboard.vault;

import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Vault")
@RestController
@RequestMapping("/api/v1/admin/vault")
class VaultController {

    private final Rewrap rewrap;
    private final TenantAccess access;

    VaultController(Rewrap rewrap, TenantAccess access) {
        this.rewrap = rewrap;
        this.access = access;
    }

    @Operation(summary = "Keys, the primary one, and how many stored secrets each key protects (platform admins)")
    @GetMapping
    Rewrap.Status status(@AuthenticationPrincipal Caller caller) {
        access.platformAdmin(caller);
        return rewrap.status();
    }

    @Operation(summary = "Re-encrypt every stored secret under the primary key, in the background (platform admins)")
    @PostMapping("/rewrap")
    ResponseEntity<Rewrap.Status> start(@AuthenticationPrincipal Caller caller) {
        access.platformAdmin(caller);
        rewrap.start();
        return ResponseEntity.accepted().body(rewrap.status());
    }
}
