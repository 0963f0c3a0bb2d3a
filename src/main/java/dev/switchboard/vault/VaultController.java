package dev.switchboard.vault;

import dev.switchboard.tenancy.PlatformAdmin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Vault")
@RestController
@RequestMapping("/api/v1/admin/vault")
class VaultController {

    private final Rewrap rewrap;

    VaultController(Rewrap rewrap) {
        this.rewrap = rewrap;
    }

    @Operation(summary = "Keys, the primary one, and how many stored secrets each key protects (platform admins)")
    @GetMapping
    Rewrap.Status status(PlatformAdmin admin) {
        return rewrap.status();
    }

    @Operation(summary = "Re-encrypt every stored secret under the primary key, in the background (platform admins)")
    @PostMapping("/rewrap")
    ResponseEntity<Rewrap.Status> start(PlatformAdmin admin) {
        rewrap.start();
        return ResponseEntity.accepted().body(rewrap.status());
    }
}
