package dev.switchboard.egress;

import java.net.InetAddress;
import java.util.List;

/**
 * Which network addresses Switchboard may connect to on a user's behalf. Blocked by default:
 * loopback, "this network", private (RFC 1918), shared (CGNAT), link-local (cloud metadata), Azure's
 * WireServer, benchmarking, documentation, multicast and reserved ranges, IPv6 unique-local and
 * site-local, and the IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) when
 * the embedded address is blocked; Teredo and IPv4-translated addresses always. Operators who call
 * into private networks allow ranges explicitly ({@link EgressProperties}).
 *
 * <p>An IPv6 form of an IPv4 address is judged by the IPv4 address it embeds, against the IPv4
 * rules and the IPv4 entries of the allow-list: an allowed IPv6 range (even {@code ::/0}) never
 * opens {@code ::ffff:169.254.169.254}.
 */
final class AddressPolicy {

    private static final List<Cidr> BLOCKED_V4 = List.of(
                    "0.0.0.0/8",
                    "10.0.0.0/8",
                    "100.64.0.0/10",
                    "127.0.0.0/8",
                    "168.63.129.16/32", // Azure WireServer: platform metadata, outside link-local
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

    /** ::ffff:0:0:0/96, IPv4-translated (RFC 2765): a translator's form, never a webhook's address. */
    private static final Cidr TRANSLATED = Cidr.parse("::ffff:0:0:0/96");

    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    /** :: and ::1 lie inside the compatible range but are IPv6 addresses in their own right. */
    private static final Cidr UNSPECIFIED_OR_LOOPBACK = Cidr.parse("::/127");

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
        if (a.length == 4) return ipv4Reason(a);
        // A mapped address is an IPv4 address in IPv6 clothes: the IPv4 rules alone decide.
        if (MAPPED.contains(a)) return ipv4Reason(slice(a, 12));
        if (TRANSLATED.contains(a)) return "IPv4-translated IPv6 address";
        byte[] embedded = null;
        if ((COMPATIBLE.contains(a) && !UNSPECIFIED_OR_LOOPBACK.contains(a)) || NAT64.contains(a))
            embedded = slice(a, 12);
        else if (SIX_TO_FOUR.contains(a)) embedded = slice(a, 2);
        if (embedded != null && ipv4Reason(embedded) != null) return "IPv6 form of a private or reserved IPv4 address";
        for (Cidr c : allowed) if (c.contains(a)) return null;
        if (NAT64_LOCAL.contains(a)) return "local-use NAT64 address";
        for (Cidr c : BLOCKED_V6) if (c.contains(a)) return "private or reserved IPv6 address";
        return null;
    }

    public boolean allows(InetAddress address) {
        return blockReason(address) == null;
    }

    private String ipv4Reason(byte[] a) {
        for (Cidr c : allowed) if (c.contains(a)) return null;
        return blockedV4(a) ? "private or reserved IPv4 address" : null;
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
