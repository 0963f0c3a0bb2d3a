package dev.switchboard.audit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The caller's address as the audit log keeps it: truncated to a network prefix (by default /24 for
 * IPv4 and /48 for IPv6), enough to tell an office from an unknown network without keeping the
 * address of a person's device. A prefix of 32 (IPv4) or 128 (IPv6) keeps the whole address.
 */
final class SourceIps {

    private SourceIps() {}

    /** {@code "203.0.113.0/24"}, or the address alone at full length; null for what is not an IP literal. */
    static String truncate(String address, int ipv4Prefix, int ipv6Prefix) {
        if (address == null) return null;
        String literal =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        if (zone >= 0) literal = literal.substring(0, zone);
        if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) return null;
        InetAddress parsed;
        try {
            // Only literals reach here (checked above), so this never resolves a name.
            parsed = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
        byte[] bytes = parsed.getAddress();
        int prefix = parsed instanceof Inet4Address ? ipv4Prefix : ipv6Prefix;
        int bits = bytes.length * 8;
        if (prefix >= bits) return parsed.getHostAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
