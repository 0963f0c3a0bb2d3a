package dev.switchboard.outbound;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * A tenant's outbound messages and delivery attempts since a time, per day, for the dashboard's
 * analytics: volume, success rate and p95 response time. Latencies come from at most the latest
 * {@link #SAMPLE} attempts, as the endpoint stats do. The caller has checked that it may read the
 * tenant.
 */
@Component
public class DeliveryStats {

    static final int SAMPLE = 10_000;

    /** One day: messages sent, attempts made, those that succeeded, and their p95 time (null with none). */
    public record Day(LocalDate day, long messages, long attempts, long succeeded, Integer p95LatencyMs) {}

    public record Summary(long messages, long attempts, long succeeded, Integer p95LatencyMs, List<Day> days) {
        public Double successRate() {
            return attempts == 0 ? null : (double) succeeded / attempts;
        }
    }

    private final DeliveryRepository deliveries;

    DeliveryStats(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    public Summary forTenant(String tenantId, Instant since) {
        Map<LocalDate, Long> messages = deliveries.messagesByDay(tenantId, since);
        var attempts = deliveries.recentOutcomes(tenantId, since, SAMPLE);
        Map<LocalDate, List<DeliveryRepository.Outcome>> byDay = new TreeMap<>();
        for (var a : attempts) {
            byDay.computeIfAbsent(LocalDate.ofInstant(a.at(), ZoneOffset.UTC), d -> new ArrayList<>())
                    .add(a);
        }
        var days = new TreeMap<LocalDate, Day>();
        messages.forEach((day, n) -> days.put(day, new Day(day, n, 0, 0, null)));
        byDay.forEach((day, list) -> {
            long ok = list.stream().filter(DeliveryRepository.Outcome::success).count();
            long sent = days.containsKey(day) ? days.get(day).messages() : 0;
            days.put(day, new Day(day, sent, list.size(), ok, p95(list)));
        });
        long ok = attempts.stream().filter(DeliveryRepository.Outcome::success).count();
        return new Summary(
                messages.values().stream().mapToLong(Long::longValue).sum(),
                attempts.size(),
                ok,
                p95(attempts),
                List.copyOf(days.values()));
    }

    private static Integer p95(List<DeliveryRepository.Outcome> outcomes) {
        if (outcomes.isEmpty()) return null;
        int[] sorted = outcomes.stream()
                .mapToInt(DeliveryRepository.Outcome::latencyMs)
                .sorted()
                .toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
    }
}
