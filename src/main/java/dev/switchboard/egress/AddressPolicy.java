package dev.switchboard.egress;

import java.net.InetAddress;
import java.util.List;

/**
 * Which network addresses Switchboard may connect to on a user's behalf. Blocked by default:
 * loopback, "this network", private (RFC 1918), shared (CGNAT), link-local (cloud metadata),
 * benchmarking, documentation, multicast and reserved ranges, IPv6 unique-local and site-local, and
 * the IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) when the embedded
 * address is blocked; Teredo always. Operators who deliver to private networks allow ranges
 * explicitly ({@code SWITCHBOARD_OUTBOUND_ALLOWED_NETWORKS}).
 */
public final class AddressPolicy {

    private static final List<Cidr> BLOCKED_V4 = List.of(
                    "0.0.0.0/8",
                    "10.0.0.0/8",
                    "100.64.0.0/10",
                    "127.0.0.0/8",
                    "169.254.0.0/16",
                    "172.16.0.0/12",
                    "192.0.0.0/24",
                    "192.0.2.0/24",
                    "192.88.99.0/24",
                    "192.168.0.0/16",
                    "198.18.0.0/15",
                    "198.51.100.0/24",
                    "203.0.113.0/24",
                    "224.0.0.0/4",
                    "240.0.0.0/4")
            .stream()
            .map(Cidr::parse)
            .toList();

    private static final List<Cidr> BLOCKED_V6 = List.of(
                    "::/128",
                    "::1/128",
                    "100::/64",
                    "2001::/32",
                    "2001:db8::/32",
                    "fc00::/7",
                    "fe80::/10",
                    "fec0::/10",
                    "ff00::/8")
            .stream()
            .map(Cidr::parse)
            .toList();

    /**
     * ::ffff:0:0/96. Java turns mapped literals into IPv4 addresses itself (so the IPv4 rules apply),
     * but a resolver can still hand back a 16-byte mapped address, so the range is checked too. It is
     * built from bytes because parsing it would yield the IPv4 address 0.0.0.0.
     */
    private static final Cidr MAPPED =
            new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);

    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr NAT64_LOCAL = Cidr.parse("64:ff9b:1::/48");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    private AddressPolicy(List<Cidr> allowed) {
        this.allowed = allowed;
    }

    public static AddressPolicy blockingPrivateNetworks() {
        return new AddressPolicy(List.of());
    }

    /** @param allowedNetworks CIDR ranges that may be reached even though they are private */
    public static AddressPolicy allowing(List<String> allowedNetworks) {
        return new AddressPolicy(allowedNetworks.stream()
                .filter(s -> !s.isBlank())
                .map(Cidr::parse)
                .toList());
    }

    /** Why the address may not be reached, or null when it may. */
    public String blockReason(InetAddress address) {
        byte[] a = address.getAddress();
        for (Cidr c : allowed) if (c.contains(a)) return null;
        if (a.length == 4) return blockedV4(a) ? "private or reserved IPv4 address" : null;
        for (Cidr c : BLOCKED_V6) if (c.contains(a)) return "private or reserved IPv6 address";
        byte[] embedded = null;
        if (MAPPED.contains(a) || COMPATIBLE.contains(a) || NAT64.contains(a)) embedded = slice(a, 12);
        else if (SIX_TO_FOUR.contains(a)) embedded = slice(a, 2);
        else if (NAT64_LOCAL.contains(a)) return "local-use NAT64 address";
        if (embedded != null) {
            for (Cidr c : allowed) if (c.contains(embedded)) return null;
            if (blockedV4(embedded)) return "IPv6 form of a private or reserved IPv4 address";
        }
        return null;
    }

    public boolean allows(InetAddress address) {
        return blockReason(address) == null;
    }

    private static boolean blockedV4(byte[] a) {
        if ((a[0] & 0xff) == 255 && (a[1] & 0xff) == 255 && (a[2] & 0xff) == 255 && (a[3] & 0xff) == 255) return true;
        for (Cidr c : BLOCKED_V4) if (c.contains(a)) return true;
        return false;
    }

    private static byte[] slice(byte[] a, int from) {
        return new byte[] {a[from], a[from + 1], a[from + 2], a[from + 3]};
    }
}
