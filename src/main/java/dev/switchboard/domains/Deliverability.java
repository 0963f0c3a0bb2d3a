package dev.switchboard.domains;

import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Sql;
import dev.switchboard.inbound.InboundEvent;
import dev.switchboard.inbound.InboundEventRouter;
import dev.switchboard.outbound.OperationalEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deliverability from the providers' own webhook events, counted after ingest (a router in the
 * inbound processor's transaction, never in the webhook request): Resend's {@code email.delivered},
 * {@code email.bounced}, {@code email.complained}, and SendGrid's {@code delivered}, {@code bounce},
 * {@code spamreport}. Each is one increment of a daily count per sending domain; the 7-day rates
 * are compared with the thresholds and {@value #RATE_EXCEEDED} is emitted when one is crossed
 * (once, until it falls back under). Only verified events count, and only for a domain the tenant
 * registered. The domain is Resend's {@code data.from}; SendGrid's events carry no sender, so they
 * count under the custom argument {@code sending_domain} the sender sets (SendGrid echoes it).
 */
@Component
class Deliverability implements InboundEventRouter {

    static final String RATE_EXCEEDED = "switchboard.domain.rate_exceeded";
    private static final int WINDOW_DAYS = 7;

    enum Kind {
        DELIVERED("delivered"),
        BOUNCED("bounced"),
        COMPLAINED("complained"),
        SPAM("spam");

        final String column;

        Kind(String column) {
            this.column = column;
        }
    }

    record Rates(
            String domain,
            int windowDays,
            long delivered,
            long bounced,
            long complained,
            long spam,
            double bounceRate,
            double complaintRate,
            double spamRate,
            boolean enoughVolume,
            List<String> over) {}

    private final JdbcClient jdbc;
    private final OperationalEvents events;
    private final DomainsProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    Deliverability(
            JdbcClient jdbc, OperationalEvents events, DomainsProperties properties, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void route(InboundEvent event, byte[] body) {
        if (!event.verified() || body.length == 0 || body.length > 65_536 || !mayBeMailEvent(body)) return;
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (RuntimeException notJson) {
            return;
        }
        if (node == null || !node.isObject()) return;
        Kind kind = kind(node);
        if (kind == null) return;
        String domain = domain(node);
        if (domain == null || !registered(event.tenantId(), domain)) return;
        Instant now = Sql.now(clock);
        count(event.tenantId(), domain, kind, LocalDate.ofInstant(now, ZoneOffset.UTC));
        compare(event.tenantId(), domain, now);
    }

    /** A byte scan before parsing: most events are not mail events at all. */
    private static boolean mayBeMailEvent(byte[] body) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        return s.contains("deliver") || s.contains("bounce") || s.contains("complain") || s.contains("spamreport");
    }

    static Kind kind(JsonNode node) {
        String type = node.path("type").asString("");
        String event = node.path("event").asString("");
        return switch (type.isEmpty() ? event : type) {
            case "email.delivered", "delivered" -> Kind.DELIVERED;
            case "email.bounced", "bounce" -> Kind.BOUNCED;
            case "email.complained" -> Kind.COMPLAINED;
            case "spamreport" -> Kind.SPAM;
            default -> null;
        };
    }

    /** The sending domain: the address in {@code from} ({@code "Acme <news@mail.acme.test>"}), lower-cased. */
    static String domain(JsonNode node) {
        String from = node.path("data").path("from").asString(null);
        if (from == null) from = node.path("from").asString(null);
        if (from == null) {
            String d = node.path("sending_domain").asString(null);
            return d == null ? null : d.strip().toLowerCase(Locale.ROOT);
        }
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        String address = lt >= 0 && gt > lt ? from.substring(lt + 1, gt) : from;
        int at = address.lastIndexOf('@');
        return at < 0 ? null : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
    }

    private boolean registered(String tenantId, String domain) {
        return jdbc.sql("SELECT count(*) FROM sending_domains WHERE tenant_id = :tenant AND domain = :domain")
                        .param("tenant", tenantId)
                        .param("domain", domain)
                        .query(Long.class)
                        .single()
                > 0;
    }

    private void count(String tenantId, String domain, Kind kind, LocalDate day) {
        // The column name comes from the enum, never from input.
        int updated = jdbc.sql("UPDATE domain_event_counts SET " + kind.column + " = " + kind.column
                        + " + 1 WHERE tenant_id = :tenant AND domain = :domain AND count_day = :day")
                .param("tenant", tenantId)
                .param("domain", domain)
                .param("day", day)
                .update();
        if (updated == 1) return;
        // A concurrent first event of the day may insert first: the key conflict fails this event's
        // transaction and the processor retries it, when the update finds the row.
        jdbc.sql("""
                INSERT INTO domain_event_counts (tenant_id, domain, count_day, delivered, bounced, complained, spam)
                VALUES (:tenant, :domain, :day, :delivered, :bounced, :complained, :spam)
                """)
                .param("tenant", tenantId)
                .param("domain", domain)
                .param("day", day)
                .param("delivered", kind == Kind.DELIVERED ? 1 : 0)
                .param("bounced", kind == Kind.BOUNCED ? 1 : 0)
                .param("complained", kind == Kind.COMPLAINED ? 1 : 0)
                .param("spam", kind == Kind.SPAM ? 1 : 0)
                .update();
    }

    Rates rates(String tenantId, String domain) {
        LocalDate today = LocalDate.ofInstant(Sql.now(clock), ZoneOffset.UTC);
        long[] sums = jdbc.sql("""
                SELECT coalesce(sum(delivered), 0), coalesce(sum(bounced), 0), coalesce(sum(complained), 0),
                    coalesce(sum(spam), 0)
                FROM domain_event_counts WHERE tenant_id = :tenant AND domain = :domain AND count_day > :from
                """)
                .param("tenant", tenantId)
                .param("domain", domain)
                .param("from", today.minusDays(WINDOW_DAYS))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)})
                .single();
        long delivered = sums[0], bounced = sums[1], complained = sums[2], spam = sums[3];
        long sent = delivered + bounced;
        double bounceRate = sent == 0 ? 0 : (double) bounced / sent;
        double complaintRate = delivered == 0 ? 0 : (double) complained / delivered;
        double spamRate = delivered == 0 ? 0 : (double) spam / delivered;
        boolean enough = sent >= properties.minVolume();
        List<String> over = new java.util.ArrayList<>();
        if (enough) {
            if (bounceRate >= properties.bounceRate()) over.add("bounce");
            if (complaintRate >= properties.complaintRate()) over.add("complaint");
            if (spamRate >= properties.spamRate()) over.add("spam");
        }
        return new Rates(
                domain,
                WINDOW_DAYS,
                delivered,
                bounced,
                complained,
                spam,
                bounceRate,
                complaintRate,
                spamRate,
                enough,
                List.copyOf(over));
    }

    /** Emits an event for each rate newly over its threshold; forgets those back under. */
    private void compare(String tenantId, String domain, Instant now) {
        Rates rates = rates(tenantId, domain);
        for (String metric : List.of("bounce", "complaint", "spam")) {
            boolean over = rates.over().contains(metric);
            if (over) {
                int inserted = jdbc.sql("""
                        INSERT INTO domain_rate_alerts (tenant_id, domain, metric, since)
                        SELECT :tenant, :domain, :metric, :now WHERE NOT EXISTS (
                            SELECT 1 FROM domain_rate_alerts
                            WHERE tenant_id = :tenant AND domain = :domain AND metric = :metric)
                        """)
                        .param("tenant", tenantId)
                        .param("domain", domain)
                        .param("metric", metric)
                        .param("now", ts(now))
                        .update();
                if (inserted == 1) emit(tenantId, rates, metric, now);
            } else {
                jdbc.sql("""
                        DELETE FROM domain_rate_alerts
                        WHERE tenant_id = :tenant AND domain = :domain AND metric = :metric
                        """)
                        .param("tenant", tenantId)
                        .param("domain", domain)
                        .param("metric", metric)
                        .update();
            }
        }
    }

    private void emit(String tenantId, Rates rates, String metric, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("domain", rates.domain());
        data.put("metric", metric);
        data.put(
                "rate",
                switch (metric) {
                    case "bounce" -> rates.bounceRate();
                    case "complaint" -> rates.complaintRate();
                    default -> rates.spamRate();
                });
        data.put(
                "threshold",
                switch (metric) {
                    case "bounce" -> properties.bounceRate();
                    case "complaint" -> properties.complaintRate();
                    default -> properties.spamRate();
                });
        data.put("windowDays", WINDOW_DAYS);
        data.put("delivered", rates.delivered());
        data.put("bounced", rates.bounced());
        data.put("complained", rates.complained());
        data.put("spam", rates.spam());
        events.emit(tenantId, RATE_EXCEEDED, data, now);
    }
}
