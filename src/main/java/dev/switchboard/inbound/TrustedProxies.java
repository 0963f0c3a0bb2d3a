package dev.switchboard.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * Who sent a webhook, and over what: the peer's address, unless the peer is one of the operator's
 * reverse proxies ({@code SWITCHBOARD_INBOUND_TRUSTED_PROXIES}), whose {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} are then believed. From anyone else those headers are whatever the
 * sender wrote, and are ignored.
 */
@Component
class TrustedProxies {

    /** The sender's address as far as it can be told, and whether its request came over TLS. */
    record Origin(String address, boolean https) {}

    /** IP literals only: a hostname would make the matcher resolve it (a DNS query per request). */
    private static final Pattern IP = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private final List<IpAddressMatcher> proxies;

    TrustedProxies(InboundProperties properties) {
        this.proxies =
                properties.trustedProxies().stream().map(IpAddressMatcher::new).toList();
    }

    /** Fails at startup on an entry that is not an address or a CIDR range. */
    static void check(List<String> cidrs) {
        for (String cidr : cidrs) {
            int slash = cidr.indexOf('/');
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            try {
                if (!IP.matcher(host).matches()) throw new IllegalArgumentException("not an IP address");
                new IpAddressMatcher(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SWITCHBOARD_INBOUND_TRUSTED_PROXIES: '" + cidr
                        + "' is not an address or a range such as 10.0.0.0/8 (" + e.getMessage() + ")");
            }
        }
    }

    boolean trusted(String address) {
        if (address == null || !IP.matcher(address).matches()) return false;
        for (IpAddressMatcher m : proxies) {
            try {
                if (m.matches(address)) return true;
            } catch (IllegalArgumentException notAnAddress) {
                return false;
            }
        }
        return false;
    }

    /**
     * Walks {@code X-Forwarded-For} from the right while the hops are trusted proxies: the first one
     * that is not is the sender (the leftmost entries are the sender's own to write). The protocol is
     * the proxies' {@code X-Forwarded-Proto}: with one value, that value; with one per hop, the value
     * the sender's hop recorded; anything else does not count as https.
     */
    Origin resolve(String peer, boolean secure, List<String> forwardedFor, List<String> forwardedProto) {
        if (proxies.isEmpty() || !trusted(peer)) return new Origin(peer, secure);
        List<String> hops = split(forwardedFor);
        List<String> protos = split(forwardedProto);
        String address = peer;
        int index = hops.size();
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!IP.matcher(hop).matches()) break; // a proxy wrote nonsense: keep the last address we trust
            address = hop;
            index = i;
            if (!trusted(hop)) break;
        }
        boolean https;
        if (protos.isEmpty()) https = secure;
        else if (protos.size() == 1) https = "https".equals(protos.getFirst());
        else https = protos.size() == hops.size() && index < hops.size() && "https".equals(protos.get(index));
        return new Origin(address, https);
    }

    private static List<String> split(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values == null) return out;
        for (String v : values) {
            if (v == null) continue;
            for (String part : v.split(",", 50)) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (!p.isEmpty()) out.add(p);
            }
        }
        return out;
    }
}
