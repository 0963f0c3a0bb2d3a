package dev.switchboard.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr.strip() : cidr.substring(0, slash).strip();
        if (!host.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an address range: " + cidr);
        try {
            byte[] network = InetAddress.getByName(host).getAddress();
            int prefix = slash < 0
                    ? network.length * 8
                    : Integer.parseInt(cidr.substring(slash + 1).strip());
            if (prefix < 0 || prefix > network.length * 8) throw new IllegalArgumentException("bad prefix in " + cidr);
            return new Cidr(network, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not an address range: " + cidr, e);
        }
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
