package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
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
    private final Clock clock;

    SubjectController(SubjectRepository subjects, Clock clock) {
        this.subjects = subjects;
        this.clock = clock;
    }

    @Operation(summary = "Map an external subject to a user id (create or replace)")
    @PutMapping
    ResponseEntity<SubjectRepository.Mapping> put(
            TenantScope scope, @PathVariable String externalId, @Valid @RequestBody MapSubject body) {
        String tenant = scope.tenantId();
        check(externalId);
        boolean created = subjects.put(tenant, externalId, body.userId().strip(), Sql.now(clock));
        var mapping = subjects.find(tenant, externalId).orElseThrow(() -> ApiException.notFound("subject"));
        return ResponseEntity.status(created ? 201 : 200).body(mapping);
    }

    @Operation(summary = "Get a subject mapping")
    @GetMapping
    SubjectRepository.Mapping get(TenantScope scope, @PathVariable String externalId) {
        String tenant = scope.tenantId();
        return subjects.find(tenant, externalId).orElseThrow(() -> ApiException.notFound("subject"));
    }

    @Operation(summary = "Delete a subject mapping")
    @DeleteMapping
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String externalId) {
        String tenant = scope.tenantId();
        if (!subjects.delete(tenant, externalId)) throw ApiException.notFound("subject");
        return ResponseEntity.noContent().build();
    }

    private static void check(String externalId) {
        if (externalId.isBlank() || externalId.length() > 200) {
            throw ApiException.invalid("externalId", "must be 1 to 200 characters");
        }
    }
}
