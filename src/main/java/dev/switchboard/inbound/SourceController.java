package dev.switchboard.inbound;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.inbound.Sources.CreateSource;
import dev.switchboard.inbound.Sources.RotateSecret;
import dev.switchboard.inbound.Sources.UpdateSource;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
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
            long receivedLast24h,
            Instant lastReceivedAt,
            Counts counts,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String secret,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String verifyToken) {
        @Override
        public String toString() {
            return "SourceView[id=" + id + ", provider=" + provider + "]";
        }
    }

    /**
     * Requests the source answered since it was made: stored and routed, answered with an earlier
     * event's id, refused (signature, timestamp, https), and stored as {@code ignored} (allowedTypes).
     */
    record Counts(long accepted, long duplicate, long rejected, long ignored) {
        static Counts of(SourceStats.Counts c) {
            return c == null
                    ? new Counts(0, 0, 0, 0)
                    : new Counts(c.accepted(), c.duplicate(), c.rejected(), c.ignored());
        }
    }

    /** What a source view shows of its traffic. */
    record Traffic(EventRepository.SourceActivity activity, SourceStats.Counts counts) {}

    private final Sources sources;
    private final InboundProperties properties;

    SourceController(Sources sources, InboundProperties properties) {
        this.sources = sources;
        this.properties = properties;
    }

    @Operation(summary = "Create a source: one ingest URL for one provider's webhooks")
    @PostMapping
    ResponseEntity<SourceView> create(TenantScope scope, @Valid @RequestBody CreateSource body) {
        var created = sources.create(scope.tenantId(), body);
        Source source = created.source();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + source.tenantId() + "/sources/" + source.id()))
                .body(view(source, created.shownOnce(), null, created.verifyTokenShownOnce()));
    }

    @Operation(summary = "List sources")
    @GetMapping
    Page<SourceView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        var rows = Page.of(sources.page(scope.tenantId(), page), page, s -> new Cursor(s.createdAt(), s.id()));
        var traffic = sources.traffic(
                scope.tenantId(), rows.data().stream().map(Source::id).toList());
        return rows.map(s -> view(s, null, traffic.get(s.id())));
    }

    @Operation(summary = "Get a source (never its secret)")
    @GetMapping("/{id}")
    SourceView get(TenantScope scope, @PathVariable String id) {
        Source s = sources.find(scope.tenantId(), id);
        return view(
                s,
                null,
                sources.traffic(scope.tenantId(), java.util.List.of(id)).get(id));
    }

    @Operation(summary = "Rename, reconfigure, disable or re-enable a source")
    @PatchMapping("/{id}")
    SourceView update(TenantScope scope, @PathVariable String id, @Valid @RequestBody UpdateSource body) {
        return view(sources.update(scope.tenantId(), id, body), null);
    }

    @Operation(summary = "Delete a source: its ingest URL stops answering and its secrets are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        sources.delete(scope.tenantId(), id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Rotate the secret; the previous one stays valid for graceSeconds (default 86400)")
    @PostMapping("/{id}/secret/rotate")
    SourceView rotate(
            TenantScope scope, @PathVariable String id, @Valid @RequestBody(required = false) RotateSecret body) {
        var rotated = sources.rotate(scope.tenantId(), id, body == null ? new RotateSecret(null, null) : body);
        return view(rotated.source(), rotated.shownOnce());
    }

    @Operation(summary = "Requests this source rejected (signature or timestamp), newest first, without bodies")
    @GetMapping("/{id}/rejections")
    Page<RejectionRepository.Rejection> rejections(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(sources.rejections(scope.tenantId(), id, page), page, r -> new Cursor(r.receivedAt(), r.id()));
    }

    /** Where the provider posts: the configured public URL, else the address this request came to. */
    static String ingestUrl(InboundProperties properties, String sourceId) {
        String base = properties.publicUrl() != null
                ? properties.publicUrl().toString().replaceAll("/+$", "")
                : ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return base + "/webhooks/" + sourceId;
    }

    private SourceView view(Source s, String shownSecret) {
        return view(s, shownSecret, null);
    }

    private SourceView view(Source s, String shownSecret, Traffic traffic) {
        return view(s, shownSecret, traffic, null);
    }

    private SourceView view(Source s, String shownSecret, Traffic traffic, String shownVerifyToken) {
        var activity = traffic == null ? null : traffic.activity();
        var counts = traffic == null ? null : traffic.counts();
        Instant stored = activity == null ? null : activity.lastReceivedAt();
        Instant counted = counts == null ? null : counts.lastReceivedAt();
        // The counters also see duplicates and ignored events, and outlive retention; either may be later.
        Instant last = stored == null || (counted != null && counted.isAfter(stored)) ? counted : stored;
        return new SourceView(
                s.id(),
                s.tenantId(),
                s.name(),
                s.provider(),
                s.provider() != Provider.NONE,
                s.options(),
                s.status().wire(),
                ingestUrl(properties, s.id()),
                s.secretHint(),
                s.previousSecretExpiresAt(),
                s.createdAt(),
                s.updatedAt(),
                activity == null ? 0 : activity.receivedLast24h(),
                last,
                Counts.of(counts),
                shownSecret,
                shownVerifyToken);
    }
}
