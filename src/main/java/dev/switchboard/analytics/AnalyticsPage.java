package dev.switchboard.analytics;

import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analytics page: over a week, a month or a quarter, the tenant's volume, delivery success rate
 * and p95 delivery time, with a volume line chart (per day), a bar chart of p95 delivery time per
 * provider and a doughnut of traffic by provider (Chart.js, drawn by charts.js from the data
 * attributes). Refreshed every 60 s. Its figures are the analytics API's report, from the rollups.
 */
@Controller
class AnalyticsPage {

    enum Period {
        WEEK,
        MONTH,
        QUARTER;

        static Period of(String value) {
            for (Period p : values()) if (p.name().equalsIgnoreCase(value)) return p;
            return WEEK;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the page shows; the volume series has one value per UTC day of the period, oldest first. */
    record View(
            Period period,
            long volume,
            long events,
            long messages,
            long calls,
            Double successRate,
            Double p95LatencyMs,
            List<String> days,
            List<Long> eventsPerDay,
            List<Long> messagesPerDay,
            Map<String, Double> p95ByProvider,
            Map<String, Double> providers) {}

    private final Analytics analytics;
    private final JsonMapper json;

    AnalyticsPage(Analytics analytics, JsonMapper json) {
        this.analytics = analytics;
        this.json = json;
    }

    @GetMapping("/ui/tenants/{tenant}/analytics")
    String page(TenantScope scope, @RequestParam(required = false) String period, Model model) {
        View a = view(scope.tenantId(), Period.of(period));
        TenantPage.start(scope, model);
        model.addAttribute("a", a);
        model.addAttribute("periods", List.of(Period.values()));
        model.addAttribute(
                "volumeChart",
                json.writeValueAsString(
                        Map.of("labels", a.days(), "events", a.eventsPerDay(), "messages", a.messagesPerDay())));
        model.addAttribute(
                "latencyChart",
                json.writeValueAsString(Map.of(
                        "labels", List.copyOf(a.p95ByProvider().keySet()),
                        "p95", List.copyOf(a.p95ByProvider().values()))));
        model.addAttribute(
                "providerChart",
                json.writeValueAsString(Map.of(
                        "labels",
                        List.copyOf(a.providers().keySet()),
                        "events",
                        List.copyOf(a.providers().values()))));
        return "analytics/analytics";
    }

    /** The report by provider and by day, as the page's cards and charts read it. */
    View view(String tenant, Period period) {
        var report = analytics.report(tenant, new Analytics.Query(null, null, period.wire(), "provider", "day"));
        Map<Instant, long[]> byDay = new TreeMap<>();
        for (Instant d = report.from(); d.isBefore(report.to()); d = d.plus(1, ChronoUnit.DAYS)) {
            byDay.put(d, new long[2]);
        }
        Map<String, Double> p95 = new LinkedHashMap<>();
        for (Analytics.Series s : report.series()) {
            for (Analytics.Point p : s.points()) {
                long[] day = byDay.computeIfAbsent(p.at(), x -> new long[2]);
                day[0] += p.metrics().received();
                day[1] += p.metrics().attempts();
            }
            if (s.totals().latencyP95Ms() != null)
                p95.put(label(s.key()), s.totals().latencyP95Ms());
        }
        List<String> days = new ArrayList<>();
        List<Long> events = new ArrayList<>();
        List<Long> messages = new ArrayList<>();
        byDay.forEach((d, v) -> {
            days.add(d.atZone(ZoneOffset.UTC).toLocalDate().toString());
            events.add(v[0]);
            messages.add(v[1]);
        });
        Map<String, Double> shares = new LinkedHashMap<>();
        report.providers().stream().filter(p -> p.share() > 0).forEach(p -> shares.put(label(p.provider()), p.share()));
        var t = report.totals();
        return new View(
                period,
                t.received() + t.attempts() + t.calls(),
                t.received(),
                t.attempts(),
                t.calls(),
                t.successRate(),
                t.latencyP95Ms(),
                days,
                events,
                messages,
                p95,
                shares);
    }

    /** Traffic with no provider (an endpoint's own deliveries of a tenant's messages) has no key. */
    private static String label(String provider) {
        return provider == null ? "—" : provider;
    }
}
