package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Maps provider subjects (a Stripe customer {@code cus_…}) to the platform's user ids; events carry the mapped userId. */
@Tag(name = "Subject mappings")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/subjects/{externalId}")
class SubjectController {

    record MapSubject(@NotBlank @Size(max = 200) String userId) {}

    private final SubjectRepository subjects;
    private final TenantAccess access;
    private final Clock clock;

    SubjectController(SubjectRepository subjects, TenantAccess access, Clock clock) {
        this.subjects = subjects;
        this.access = access;
        this.clock = clock;
    }

    @Operation(summary = "Map an external subject to a user id (create or replace)")
    @PutMapping
    ResponseEntity<SubjectRepository.Mapping> put(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String externalId,
            @Valid @RequestBody MapSubject body) {
        access.write(caller, tenant);
        check(externalId);
        boolean created = subjects.put(tenant, externalId, body.userId().strip(), Sql.now(clock));
        var mapping = subjects.find(tenant, externalId).orElseThrow(() -> ApiException.notFound("subject"));
        return ResponseEntity.status(created ? 201 : 200).body(mapping);
    }

    @Operation(summary = "Get a subject mapping")
    @GetMapping
    SubjectRepository.Mapping get(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String externalId) {
        access.read(caller, tenant);
        return subjects.find(tenant, externalId).orElseThrow(() -> ApiException.notFound("subject"));
    }

    @Operation(summary = "Delete a subject mapping")
    @DeleteMapping
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String externalId) {
        access.write(caller, tenant);
        if (!subjects.delete(tenant, externalId)) throw ApiException.notFound("subject");
        return ResponseEntity.noContent().build();
    }

    private static void check(String externalId) {
        if (externalId.isBlank() || externalId.length() > 200) {
            throw ApiException.invalid("externalId", "must be 1 to 200 characters");
        }
    }
}
