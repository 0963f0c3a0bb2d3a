package dev.switchboard.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS TXT lookups (dnsjava), the one way out over DNS: always to a resolver the operator configured
 * (a setting of the calling module), never to one a tenant names (the name looked up may be the
 * tenant's, the server is not), and with a deadline. No cache: a check is asked for because the
 * records just changed.
 */
@Component
public class TxtLookup {

    /** The TXT strings at a name (each record's strings joined); empty when there are none. */
    public record Answer(List<String> records) {}

    /**
     * @param server {@code host} or {@code host:port} of the resolver; null or blank for the system's
     * @param timeout the deadline of the lookup
     */
    public Answer txt(String server, String name, java.time.Duration timeout) throws IOException {
        SimpleResolver resolver = resolver(server);
        resolver.setTimeout(timeout);
        Record question;
        try {
            question = Record.newRecord(Name.fromString(name, Name.root), Type.TXT, DClass.IN);
        } catch (TextParseException e) {
            throw new IOException("not a DNS name");
        }
        Message response = resolver.send(Message.newQuery(question));
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) return new Answer(List.of());
        if (rcode != Rcode.NOERROR) throw new IOException("the resolver answered " + Rcode.string(rcode));
        List<String> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt) out.add(String.join("", txt.getStrings()));
        }
        return new Answer(out);
    }

    private static SimpleResolver resolver(String server) throws UnknownHostException {
        if (server == null || server.isBlank()) return new SimpleResolver();
        server = server.strip();
        int colon = server.lastIndexOf(':');
        if (colon > 0 && server.indexOf(':') == colon) {
            return new SimpleResolver(
                    new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))));
        }
        return new SimpleResolver(server);
    }
}
