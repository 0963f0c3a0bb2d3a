package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.FieldError;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.tenancy.TenantLimits;
import dev.switchboard.vault.Secret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tenant's inbound sources: the use cases behind the sources API (create, change, delete, rotate
 * the secret). Every change drops this node's cached copy used by ingest.
 */
@Service
class Sources {

    record CreateSource(
            @NotBlank @Size(max = 200) String name,
            @NotNull Provider provider,
            Secret secret,
            @Valid SourceOptions options,
            Secret verifyToken) {}

    record UpdateSource(
            @Size(min = 1, max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
            String name,

            @Valid SourceOptions options,
            Boolean disabled) {}

    record RotateSecret(Secret secret, @Min(0) @Max(604_800) Long graceSeconds) {}

    /** A source, and the secret to show once: only one Switchboard generated, never one the caller sent. */
    record WithSecret(Source source, Secret shown, Secret shownVerifyToken) {
        WithSecret(Source source, Secret shown) {
            this(source, shown, null);
        }

        String shownOnce() {
            return shown == null ? null : shown.reveal();
        }

        String verifyTokenShownOnce() {
            return shownVerifyToken == null ? null : shownVerifyToken.reveal();
        }

        @Override
        public String toString() {
            return "WithSecret[source=" + source.id() + "]";
        }
    }

    private final SourceRepository sources;
    private final RejectionRepository rejections;
    private final IngestSources ingestSources;
    private final SourceSecrets secrets;
    private final TenantLimits limits;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final EventRepository events;
    private final SourceStats stats;

    Sources(
            SourceRepository sources,
            RejectionRepository rejections,
            IngestSources ingestSources,
            SourceSecrets secrets,
            TenantLimits limits,
            TransactionTemplate tx,
            Clock clock,
            EventRepository events,
            SourceStats stats) {
        this.events = events;
        this.stats = stats;
        this.sources = sources;
        this.rejections = rejections;
        this.ingestSources = ingestSources;
        this.secrets = secrets;
        this.limits = limits;
        this.tx = tx;
        this.clock = clock;
    }

    /** Events received in the last 24 hours and the latest one's time, per source of the tenant. */
    java.util.Map<String, EventRepository.SourceActivity> activity(String tenant, List<String> sourceIds) {
        return events.activity(
                tenant, sourceIds, dev.switchboard.common.Sql.now(clock).minus(java.time.Duration.ofHours(24)));
    }

    /** {@link #activity} and the counters, per source of the tenant: one query each for a whole page. */
    java.util.Map<String, SourceController.Traffic> traffic(String tenant, List<String> sourceIds) {
        var activity = activity(tenant, sourceIds);
        var counts = stats.of(tenant, sourceIds);
        java.util.Map<String, SourceController.Traffic> out = new java.util.HashMap<>();
        for (String id : sourceIds) out.put(id, new SourceController.Traffic(activity.get(id), counts.get(id)));
        return out;
    }

    Source find(String tenant, String id) {
        return sources.findForTenant(tenant, id).orElseThrow(() -> ApiException.notFound("source"));
    }

    List<Source> page(String tenant, PageRequest page) {
        return sources.pageForTenant(tenant, page);
    }

    /** Requests this source refused (signature, timestamp), newest first, without their bodies. */
    List<RejectionRepository.Rejection> rejections(String tenant, String id, PageRequest page) {
        find(tenant, id);
        return rejections.pageForSource(tenant, id, page);
    }

    WithSecret create(String tenant, CreateSource body) {
        SourceOptions options = body.options() == null ? SourceOptions.NONE : body.options();
        checkOptions(options, body.provider());
        Secret secret = secrets.choose(body.provider(), body.secret(), "secret");
        Secret verifyToken = secrets.chooseVerifyToken(body.provider(), body.verifyToken());
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
        limits.withinLimit(
                tenant,
                TenantLimits.Kind.SOURCES,
                () -> sources.countLive(tenant),
                () -> sources.insert(
                        source,
                        secrets.encrypt(secret, tenant, id, "secret"),
                        secrets.encrypt(verifyToken, tenant, id, "verify_token")));
        ingestSources.invalidate(id);
        return new WithSecret(
                source, body.secret() == null ? secret : null, body.verifyToken() == null ? verifyToken : null);
    }

    Source update(String tenant, String id, UpdateSource body) {
        Source source = find(tenant, id);
        if (body.options() != null) checkOptions(body.options(), source.provider());
        Source.Status status =
                body.disabled() == null ? null : body.disabled() ? Source.Status.DISABLED : Source.Status.ACTIVE;
        String name = body.name() == null ? null : body.name().strip();
        if (!sources.update(tenant, id, name, body.options(), status, Sql.now(clock))) {
            throw ApiException.notFound("source");
        }
        ingestSources.invalidate(id);
        return find(tenant, id);
    }

    void delete(String tenant, String id) {
        if (!sources.delete(tenant, id, Sql.now(clock))) throw ApiException.notFound("source");
        ingestSources.invalidate(id);
    }

    WithSecret rotate(String tenant, String id, RotateSecret request) {
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
        return new WithSecret(find(tenant, id), request.secret() == null ? next : null);
    }

    private static void checkOptions(SourceOptions options, Provider provider) {
        List<FieldError> problems = options.problems(provider);
        if (!problems.isEmpty())
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "The request is not valid.", problems);
    }
}
