package dev.switchboard.outbound;

import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's deliveries across endpoints, failed ones (the dead letters the hub counts) unless
 * another status is chosen: newest first, each linking to its message, where one is resent. Same
 * rules as the deliveries API, through {@link Deliveries}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/deliveries")
class DeliveryPages {

    static final int LIMIT = 50;
    static final List<String> STATUSES = List.of("failed", "pending", "paused", "succeeded");

    private final Deliveries deliveries;

    DeliveryPages(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** No {@code status}: the failed ones; an empty one (the filter's "Any"): every status. */
    @GetMapping
    String list(
            TenantScope scope,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            Model model) {
        String chosen = status == null ? "failed" : status.isBlank() ? null : status;
        var page = deliveries.search(
                scope.tenantId(),
                new Deliveries.Query(chosen, null, null, null, null),
                LIMIT,
                cursor == null || cursor.isBlank() ? null : cursor);
        TenantPage.start(scope, model);
        model.addAttribute("status", chosen);
        model.addAttribute("statuses", STATUSES);
        model.addAttribute("firstPage", cursor == null || cursor.isBlank());
        model.addAttribute("page", page);
        return "outbound/deliveries";
    }
}
