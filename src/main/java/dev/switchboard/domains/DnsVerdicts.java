package dev.switchboard.domains;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pure verdicts on the TXT records found: one result per record kind, pass or fail, with the record
 * found (or none) and why it failed. The lookups are {@link TxtLookup}'s.
 */
final class DnsVerdicts {

    /** DMARC policies, weakest first: a stricter one than expected passes. */
    static final List<String> POLICIES = List.of("none", "quarantine", "reject");

    /** One record's verdict; {@code found} is the record as published, null when there is none. */
    record Result(String record, String name, boolean pass, String found, String reason) {}

    private DnsVerdicts() {}

    /** SPF: exactly one {@code v=spf1} record, with the expected {@code include:} and no {@code +all}. */
    static Result spf(String domain, List<String> txt, String expectedInclude) {
        List<String> spf = txt.stream()
                .filter(t -> t.toLowerCase(Locale.ROOT).startsWith("v=spf1"))
                .toList();
        if (spf.isEmpty()) return new Result("spf", domain, false, null, "no SPF record (v=spf1)");
        String found = spf.getFirst();
        if (spf.size() > 1) {
            return new Result(
                    "spf",
                    domain,
                    false,
                    String.join(" | ", spf),
                    "more than one SPF record: receivers treat that as an error");
        }
        List<String> terms = List.of(found.toLowerCase(Locale.ROOT).split("\\s+"));
        if (terms.contains("+all") || terms.contains("all")) {
            return new Result("spf", domain, false, found, "'+all' lets any server send as this domain");
        }
        if (expectedInclude != null && !terms.contains("include:" + expectedInclude.toLowerCase(Locale.ROOT))) {
            return new Result("spf", domain, false, found, "does not include " + expectedInclude);
        }
        return new Result("spf", domain, true, found, null);
    }

    /** DKIM: a {@code v=DKIM1} record at {@code selector._domainkey.domain} with a non-empty public key. */
    static Result dkim(String selector, String domain, List<String> txt) {
        String name = selector + "._domainkey." + domain;
        String record = "dkim:" + selector;
        if (txt.isEmpty()) return new Result(record, name, false, null, "no DKIM record for selector " + selector);
        String found = txt.getFirst();
        Map<String, String> tags = tags(found);
        if (tags.containsKey("v") && !tags.get("v").equalsIgnoreCase("DKIM1")) {
            return new Result(record, name, false, found, "not a DKIM1 record");
        }
        String p = tags.get("p");
        if (p == null) return new Result(record, name, false, found, "no public key (p=)");
        if (p.isEmpty()) return new Result(record, name, false, found, "the public key is empty: the key was revoked");
        return new Result(record, name, true, found, null);
    }

    /** DMARC: one {@code v=DMARC1} record at {@code _dmarc.domain} whose policy is at least the expected one. */
    static Result dmarc(String domain, List<String> txt, String expectedPolicy) {
        String name = "_dmarc." + domain;
        List<String> dmarc = txt.stream()
                .filter(t -> t.toUpperCase(Locale.ROOT).startsWith("V=DMARC1"))
                .toList();
        if (dmarc.isEmpty()) return new Result("dmarc", name, false, null, "no DMARC record (v=DMARC1)");
        String found = dmarc.getFirst();
        if (dmarc.size() > 1)
            return new Result("dmarc", name, false, String.join(" | ", dmarc), "more than one DMARC record");
        String p = tags(found).getOrDefault("p", "").toLowerCase(Locale.ROOT);
        if (!POLICIES.contains(p))
            return new Result("dmarc", name, false, found, "no valid policy (p=none|quarantine|reject)");
        if (POLICIES.indexOf(p) < POLICIES.indexOf(expectedPolicy)) {
            return new Result(
                    "dmarc", name, false, found, "policy " + p + " is weaker than the expected " + expectedPolicy);
        }
        return new Result("dmarc", name, true, found, null);
    }

    /** {@code k=v; k2=v2} tags, names lower-cased, values trimmed (whitespace inside a key removed). */
    static Map<String, String> tags(String record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) continue;
            out.putIfAbsent(
                    part.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                    part.substring(eq + 1).replaceAll("\\s+", ""));
        }
        return out;
    }
}
