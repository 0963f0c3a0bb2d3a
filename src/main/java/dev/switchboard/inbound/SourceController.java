package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.TenantScope;
import dev.switchboard.vault.Secret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@Tag(name = "Inbound sources")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/sources")
class SourceController {

    record CreateSource(
            @NotBlank @Size(max = 200) String name,
            @NotNull Provider provider,
            Secret secret,
            @Valid SourceOptions options) {}

    record UpdateSource(
            @Size(min = 1, max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
            String name,

            @Valid SourceOptions options,
            Boolean disabled) {}

    record RotateSecret(Secret secret, @Min(0) @Max(604_800) Long graceSeconds) {}

    /**
     * A source as shown. {@code secret} appears only in the response that created it or rotated to
     * it, and only when Switchboard generated it; {@code verified: false} flags provider {@code none}.
     */
    record SourceView(
            String id,
            String tenantId,
            String name,
            Provider provider,
            boolean verified,
            SourceOptions options,
            String status,
            String ingestUrl,
            String secretHint,
            Instant previousSecretExpiresAt,
            Instant createdAt,
            Instant updatedAt,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String secret) {
        @Override
        public String toString() {
            return "SourceView[id=" + id + ", provider=" + provider + "]";
        }
    }

    private final SourceRepository sources;
    private final IngestSources ingestSources;
    private final SourceSecrets secrets;
    private final RejectionRepository rejections;
    private final InboundProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;

    SourceController(
            SourceRepository sources,
            IngestSources ingestSources,
            SourceSecrets secrets,
            RejectionRepository rejections,
            InboundProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.sources = sources;
        this.ingestSources = ingestSources;
        this.secrets = secrets;
        this.rejections = rejections;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    @Operation(summary = "Create a source: one ingest URL for one provider's webhooks")
    @PostMapping
    ResponseEntity<SourceView> create(TenantScope scope, @Valid @RequestBody CreateSource body) {
        String tenant = scope.tenantId();
        SourceOptions options = body.options() == null ? SourceOptions.NONE : body.options();
        checkOptions(options, body.provider());
        Secret secret = secrets.choose(body.provider(), body.secret(), "secret");
        Instant now = Sql.now(clock);
        String id = Ids.next("src");
        Source source = new Source(
                id,
                tenant,
                body.name().strip(),
                body.provider(),
                options,
                Source.Status.ACTIVE,
                secret == null ? null : secret.hint(),
                null,
                now,
                now);
        sources.insert(source, secrets.encrypt(secret, tenant, id, "secret"));
        String shown = body.secret() == null && secret != null ? secret.reveal() : null;
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/sources/" + id))
                .body(view(source, shown));
    }

    @Operation(summary = "List sources")
    @GetMapping
    Page<SourceView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(sources.pageForTenant(tenant, page), page, s -> new Cursor(s.createdAt(), s.id()))
                .map(s -> view(s, null));
    }

    @Operation(summary = "Get a source (never its secret)")
    @GetMapping("/{id}")
    SourceView get(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return view(find(tenant, id), null);
    }

    @Operation(summary = "Rename, reconfigure, disable or re-enable a source")
    @PatchMapping("/{id}")
    SourceView update(TenantScope scope, @PathVariable String id, @Valid @RequestBody UpdateSource body) {
        String tenant = scope.tenantId();
        Source source = find(tenant, id);
        if (body.options() != null) checkOptions(body.options(), source.provider());
        Source.Status status =
                body.disabled() == null ? null : body.disabled() ? Source.Status.DISABLED : Source.Status.ACTIVE;
        String name = body.name() == null ? null : body.name().strip();
        if (!sources.update(tenant, id, name, body.options(), status, Sql.now(clock))) {
            throw ApiException.notFound("source");
        }
        ingestSources.invalidate(id);
        return view(find(tenant, id), null);
    }

    @Operation(summary = "Delete a source: its ingest URL stops answering and its secrets are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        if (!sources.delete(tenant, id, Sql.now(clock))) throw ApiException.notFound("source");
        ingestSources.invalidate(id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Rotate the secret; the previous one stays valid for graceSeconds (default 86400)")
    @PostMapping("/{id}/secret/rotate")
    SourceView rotate(
            TenantScope scope, @PathVariable String id, @Valid @RequestBody(required = false) RotateSecret body) {
        String tenant = scope.tenantId();
        RotateSecret request = body == null ? new RotateSecret(null, null) : body;
        Source source = find(tenant, id);
        if (!source.provider().needsSecret()) {
            throw new ApiException(ErrorCode.CONFLICT, "A source with provider none has no secret to rotate.");
        }
        Secret next = secrets.choose(source.provider(), request.secret(), "secret");
        Instant now = Sql.now(clock);
        Instant until = now.plus(Duration.ofSeconds(request.graceSeconds() == null ? 86_400 : request.graceSeconds()));
        tx.executeWithoutResult(status -> {
            var current = sources.findForIngest(id).orElseThrow(() -> ApiException.notFound("source"));
            Secret previous = secrets.current(current);
            sources.rotate(
                    tenant,
                    id,
                    secrets.encrypt(next, tenant, id, "secret"),
                    next.hint(),
                    secrets.encrypt(previous, tenant, id, "previous_secret"),
                    previous == null ? null : until,
                    now);
        });
        ingestSources.invalidate(id);
        return view(find(tenant, id), request.secret() == null ? next.reveal() : null);
    }

    @Operation(summary = "Requests this source rejected (signature or timestamp), newest first, without bodies")
    @GetMapping("/{id}/rejections")
    Page<RejectionRepository.Rejection> rejections(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        find(tenant, id);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(rejections.pageForSource(tenant, id, page), page, r -> new Cursor(r.receivedAt(), r.id()));
    }

    private Source find(String tenant, String id) {
        return sources.findForTenant(tenant, id).orElseThrow(() -> ApiException.notFound("source"));
    }

    private static void checkOptions(SourceOptions options, Provider provider) {
        List<dev.switchboard.common.FieldError> problems = options.problems(provider);
        if (!problems.isEmpty())
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "The request is not valid.", problems);
    }

    private SourceView view(Source s, String shownSecret) {
        String base = properties.publicUrl() != null
                ? properties.publicUrl().toString().replaceAll("/+$", "")
                : ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return new SourceView(
                s.id(),
                s.tenantId(),
                s.name(),
                s.provider(),
                s.provider() != Provider.NONE,
                s.options(),
                s.status().wire(),
                base + "/webhooks/" + s.id(),
                s.secretHint(),
                s.previousSecretExpiresAt(),
                s.createdAt(),
                s.updatedAt(),
                shownSecret);
    }
}
