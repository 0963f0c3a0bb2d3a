package dev.switchboard.gateway;

import dev.switchboard.connections.ConnectionAccess.Limits;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Provider gateway")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/connections/{id}")
class LimitsController {

    /**
     * A connection's own limits, merged per window over its provider's: a window given here replaces
     * the catalog's rate for that window, a window left out (null) keeps the catalog's, and 0 removes
     * the catalog's window. {@code burst} is for the shortest window in force. Every field null
     * removes the override (back to the catalog's figures).
     */
    record LimitsInput(
            @Min(0) @Max(1_000_000) Integer perSecond,
            @Min(0) @Max(60_000_000) Integer perMinute,
            @Min(0) @Max(1_000_000_000) Integer perHour,
            @Min(0) @Max(1_000_000_000) Integer perDay,
            @Min(0) @Max(2_000_000_000) Integer perMonth,
            @Min(1) @Max(1_000_000_000) Integer burst) {

        Limits limits() {
            if (perSecond == null
                    && perMinute == null
                    && perHour == null
                    && perDay == null
                    && perMonth == null
                    && burst == null) {
                return null;
            }
            return new Limits(perSecond, perMinute, perHour, perDay, perMonth, burst);
        }
    }

    private final ProviderLimits limits;

    LimitsController(ProviderLimits limits) {
        this.limits = limits;
    }

    @Operation(
            summary =
                    "Usage per window of a connection's provider limits, the limits, and any throttle the provider asked for")
    @GetMapping("/usage")
    ProviderLimits.Usage usage(TenantScope scope, @PathVariable String id) {
        return limits.usage(scope.tenantId(), id);
    }

    @Operation(
            summary =
                    "Set a connection's own rate limits, merged per window over its provider's (0 removes a window); all null restores the catalog's")
    @PutMapping("/limits")
    ProviderLimits.Usage setLimits(TenantScope scope, @PathVariable String id, @Valid @RequestBody LimitsInput body) {
        return limits.override(scope.tenantId(), id, body.limits());
    }
}
