package dev.switchboard.domains;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.egress.TxtLookup;
import dev.switchboard.outbound.OperationalEvents;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The use case behind the sending-domains API: a tenant's domains with what their DNS should say,
 * and the check that reads it (no transaction open during the lookups) and records the verdicts,
 * emitting {@value #CHECK_FAILED} when any record fails.
 */
@Service
class SendingDomains {

    static final String CHECK_FAILED = "switchboard.domain.check_failed";
    private static final Logger log = LoggerFactory.getLogger(SendingDomains.class);
    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    /** An SPF include may name a service label such as {@code _spf}. */
    private static final Pattern INCLUDE =
            Pattern.compile("(?=.{4,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
    private static final TypeReference<List<DnsVerdicts.Result>> RESULTS = new TypeReference<>() {};

    record NewDomain(String domain, String spfInclude, List<String> dkimSelectors, String dmarcPolicy) {}

    record View(
            String id,
            String domain,
            String spfInclude,
            List<String> dkimSelectors,
            String dmarcPolicy,
            String status,
            Instant checkedAt,
            List<DnsVerdicts.Result> records,
            Instant createdAt) {}

    private final DomainRepository domains;
    private final TxtLookup dns;
    private final DomainsProperties properties;
    private final OperationalEvents events;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    SendingDomains(
            DomainRepository domains,
            TxtLookup dns,
            DomainsProperties properties,
            OperationalEvents events,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.domains = domains;
        this.dns = dns;
        this.properties = properties;
        this.events = events;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    View create(String tenantId, NewDomain in) {
        if (in == null) throw ApiException.invalid("domain", "is required");
        String domain = in.domain() == null ? null : in.domain().strip().toLowerCase(Locale.ROOT);
        if (domain == null || !DOMAIN.matcher(domain).matches()) {
            throw ApiException.invalid("domain", "must be a domain name such as mail.example.com");
        }
        String spf = in.spfInclude() == null ? null : in.spfInclude().strip().toLowerCase(Locale.ROOT);
        if (spf != null && !INCLUDE.matcher(spf).matches()) {
            throw ApiException.invalid("spfInclude", "must be a domain name such as _spf.resend.com");
        }
        var selectors = new LinkedHashSet<String>();
        for (String s : in.dkimSelectors() == null ? List.<String>of() : in.dkimSelectors()) {
            String sel = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            if (!SELECTOR.matcher(sel).matches()) {
                throw ApiException.invalid("dkimSelectors", "each must be a DNS label such as resend or s1");
            }
            selectors.add(sel);
        }
        if (selectors.size() > 20) throw ApiException.invalid("dkimSelectors", "at most 20");
        String dmarc = in.dmarcPolicy() == null ? "none" : in.dmarcPolicy();
        if (!DnsVerdicts.POLICIES.contains(dmarc)) {
            throw ApiException.invalid("dmarcPolicy", "must be none, quarantine or reject");
        }
        Instant now = Sql.now(clock);
        var d = new DomainRepository.Domain(
                Ids.next("dom"), tenantId, domain, spf, List.copyOf(selectors), dmarc, null, null, null, now, now, now);
        try {
            domains.insert(d);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw ApiException.conflict("This domain is already a sending domain of the tenant.");
        }
        return view(d);
    }

    Page<View> list(String tenantId, PageRequest page) {
        return Page.of(domains.listInTenant(tenantId, page), page, d -> new Cursor(d.createdAt(), d.id()))
                .map(this::view);
    }

    View get(String tenantId, String id) {
        return view(find(tenantId, id));
    }

    void delete(String tenantId, String id) {
        if (!domains.deleteInTenant(tenantId, id)) throw ApiException.notFound("sending domain");
    }

    /** Checks a domain now (on demand); returns it with the verdicts. */
    View check(String tenantId, String id) {
        check(find(tenantId, id));
        return view(find(tenantId, id));
    }

    /** Looks the records up (no transaction open), then records the verdicts and, on a failure, the event. */
    void check(DomainRepository.Domain d) {
        List<DnsVerdicts.Result> results = new ArrayList<>();
        results.add(verdict("spf", d.domain(), txt -> DnsVerdicts.spf(d.domain(), txt, d.spfInclude())));
        for (String selector : d.dkimSelectors()) {
            results.add(verdict(
                    "dkim:" + selector,
                    selector + "._domainkey." + d.domain(),
                    txt -> DnsVerdicts.dkim(selector, d.domain(), txt)));
        }
        results.add(
                verdict("dmarc", "_dmarc." + d.domain(), txt -> DnsVerdicts.dmarc(d.domain(), txt, d.dmarcPolicy())));
        boolean pass = results.stream().allMatch(DnsVerdicts.Result::pass);
        Instant now = Sql.now(clock);
        String stored = dev.switchboard.common.Text.storable(json.writeValueAsString(results), 16000);
        tx.executeWithoutResult(s -> {
            domains.recordCheck(d.tenantId(), d.id(), pass ? "pass" : "fail", stored, now);
            if (!pass) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("domainId", d.id());
                data.put("domain", d.domain());
                data.put(
                        "failed",
                        results.stream()
                                .filter(r -> !r.pass())
                                .map(DnsVerdicts.Result::record)
                                .toList());
                data.put("records", results);
                events.emit(d.tenantId(), CHECK_FAILED, data, now);
            }
        });
    }

    /** One record's verdict; a lookup that fails (timeout, SERVFAIL) is a failed record, not an error. */
    private DnsVerdicts.Result verdict(String record, String name, Function<List<String>, DnsVerdicts.Result> judge) {
        List<String> txt;
        try {
            txt = dns.txt(properties.dnsServer(), name, properties.dnsTimeout()).records();
        } catch (IOException | RuntimeException e) {
            log.info("TXT lookup for a sending domain failed: {}", e.getClass().getSimpleName());
            return new DnsVerdicts.Result(
                    record, name, false, null, "lookup failed: " + e.getClass().getSimpleName());
        }
        return judge.apply(txt);
    }

    private DomainRepository.Domain find(String tenantId, String id) {
        return domains.findInTenant(tenantId, id).orElseThrow(() -> ApiException.notFound("sending domain"));
    }

    private View view(DomainRepository.Domain d) {
        return new View(
                d.id(),
                d.domain(),
                d.spfInclude(),
                d.dkimSelectors(),
                d.dmarcPolicy(),
                d.lastStatus() == null ? "unchecked" : d.lastStatus(),
                d.lastCheckedAt(),
                d.lastResult() == null ? List.of() : json.readValue(d.lastResult(), RESULTS),
                d.createdAt());
    }
}
