package dev.switchboard.egress;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSRF guard for every outbound call (webhook deliveries, test events, OAuth token requests,
 * health checks, the provider proxy, alerts). A URL is checked when it is saved ({@link #check}),
 * and every connection resolves its host through {@link #dnsResolver()}, which checks each address
 * it returns: the client connects only to checked addresses, so a DNS answer that changes between
 * the two (rebinding) still cannot reach a blocked network.
 *
 * <p>A refusal names no address: the message reaches tenants (API errors, attempt logs), and which
 * internal address a name resolves to, or whether it resolves at all, would map the operator's
 * network for them. The address and the reason go to the log.
 */
public final class UrlGuard {

    /** What a tenant is told when a host resolves to no address it may reach. */
    static final String REFUSED_HOST = "the host does not resolve to an address Switchboard may connect to";

    private static final Logger log = LoggerFactory.getLogger(UrlGuard.class);

    /** How host names become addresses; tests substitute a resolver that lies. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Hosts made only of numeric or 0x labels: IPv4 spellings that resolvers read differently. */
    private static final Pattern NUMERIC_HOST =
            Pattern.compile("(0[xX][0-9a-fA-F]*|[0-9]+)(\\.(0[xX][0-9a-fA-F]*|[0-9]+)){0,3}\\.?");

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

    private final AddressPolicy policy;
    private final Lookup lookup;

    UrlGuard(AddressPolicy policy, Lookup lookup) {
        this.policy = policy;
        this.lookup = lookup;
    }

    UrlGuard(AddressPolicy policy) {
        this(policy, InetAddress::getAllByName);
    }

    AddressPolicy policy() {
        return policy;
    }

    /** Checks a URL before it is stored or called; throws with the reason when it may not be. */
    public URI check(String url) throws BlockedDestinationException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new BlockedDestinationException("not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw new BlockedDestinationException("only http and https URLs");
        if (uri.getRawUserInfo() != null)
            throw new BlockedDestinationException("credentials in the URL are not allowed");
        String host = uri.getHost();
        if (host == null || host.isEmpty()) throw new BlockedDestinationException("the URL has no host");
        try {
            resolve(host);
        } catch (BlockedDestinationException blocked) {
            throw blocked;
        } catch (UnknownHostException e) {
            log.info("Refused the URL host {}: it does not resolve", host);
            throw new BlockedDestinationException(REFUSED_HOST);
        }
        return uri;
    }

    /** All addresses of a host, each checked; any blocked address refuses the whole host. */
    InetAddress[] resolve(String host) throws UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NUMERIC_HOST.matcher(h).matches() && !DOTTED_QUAD.matcher(h).matches()) {
            throw new BlockedDestinationException("ambiguous IPv4 literal '" + h + "': write it as a dotted quad");
        }
        InetAddress[] addresses = lookup.resolve(h);
        if (addresses == null || addresses.length == 0) throw new UnknownHostException(h);
        for (InetAddress address : addresses) {
            String reason = policy.blockReason(address);
            if (reason != null) {
                log.warn("Refused a connection to {}: it resolves to {}, a {}", h, address.getHostAddress(), reason);
                throw new BlockedDestinationException(REFUSED_HOST);
            }
        }
        return addresses;
    }

    /** For Apache HttpClient 5: every connection's addresses come from here, checked. */
    public DnsResolver dnsResolver() {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return UrlGuard.this.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }
}
