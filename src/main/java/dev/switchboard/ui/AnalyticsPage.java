package dev.switchboard.ui;

import dev.switchboard.inbound.EventStats;
import dev.switchboard.outbound.DeliveryStats;
import dev.switchboard.tenancy.TenantScope;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analytics page: over a week, a month or a quarter, the tenant's volume, delivery success rate
 * and p95 response time, with a volume line chart, a latency bar chart and a doughnut of inbound
 * events by provider (Chart.js, drawn by app.js from the data attributes). Refreshed every 60 s.
 *
 * <p>Its figures come from {@link #data}, the one place to switch to the analytics API once it
 * exists; until then they are computed from inbound's and outbound's own counts.
 */
@Controller
class AnalyticsPage {

    enum Period {
        WEEK(7),
        MONTH(30),
        QUARTER(90);

        final int days;

        Period(int days) {
            this.days = days;
        }

        static Period of(String value) {
            for (Period p : values()) if (p.name().equalsIgnoreCase(value)) return p;
            return WEEK;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the page shows; every series has one value per day of the period, oldest first. */
    record Analytics(
            Period period,
            long volume,
            long events,
            long messages,
            Double successRate,
            Integer p95LatencyMs,
            List<String> days,
            List<Long> eventsPerDay,
            List<Long> messagesPerDay,
            List<Integer> p95PerDay,
            Map<String, Long> providers) {}

    private final EventStats events;
    private final DeliveryStats deliveries;
    private final JsonMapper json;
    private final Clock clock;

    AnalyticsPage(EventStats events, DeliveryStats deliveries, JsonMapper json, Clock clock) {
        this.events = events;
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/ui/tenants/{tenant}/analytics")
    String page(TenantScope scope, @RequestParam(required = false) String period, Model model) {
        Analytics a = data(scope.tenantId(), Period.of(period));
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("a", a);
        model.addAttribute("periods", List.of(Period.values()));
        model.addAttribute(
                "volumeChart",
                json.writeValueAsString(
                        Map.of("labels", a.days(), "events", a.eventsPerDay(), "messages", a.messagesPerDay())));
        model.addAttribute("latencyChart", json.writeValueAsString(Map.of("labels", a.days(), "p95", a.p95PerDay())));
        model.addAttribute(
                "providerChart",
                json.writeValueAsString(Map.of(
                        "labels",
                        List.copyOf(a.providers().keySet()),
                        "events",
                        List.copyOf(a.providers().values()))));
        return "ui/analytics";
    }

    /** The page's one data source. */
    Analytics data(String tenant, Period period) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(period.days - 1L);
        Instant since = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        var in = events.forTenant(tenant, since);
        var out = deliveries.forTenant(tenant, since);
        Map<LocalDate, Long> inByDay = new LinkedHashMap<>();
        in.days().forEach(d -> inByDay.put(d.day(), d.events()));
        Map<LocalDate, DeliveryStats.Day> outByDay = new LinkedHashMap<>();
        out.days().forEach(d -> outByDay.put(d.day(), d));
        List<String> days = new ArrayList<>();
        List<Long> eventsPerDay = new ArrayList<>();
        List<Long> messagesPerDay = new ArrayList<>();
        List<Integer> p95PerDay = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            days.add(d.toString());
            eventsPerDay.add(inByDay.getOrDefault(d, 0L));
            var o = outByDay.get(d);
            messagesPerDay.add(o == null ? 0L : o.messages());
            p95PerDay.add(o == null ? null : o.p95LatencyMs());
        }
        Map<String, Long> providers = new LinkedHashMap<>();
        in.providers().forEach(p -> providers.put(p.provider(), p.events()));
        return new Analytics(
                period,
                in.total() + out.messages(),
                in.total(),
                out.messages(),
                out.successRate(),
                out.p95LatencyMs(),
                days,
                eventsPerDay,
                messagesPerDay,
                p95PerDay,
                providers);
    }
}
