package dev.switchboard.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (UDP) for the sending-domain tests, answering TXT questions from a zone
 * the tests fill, with dnsjava's own message codec. One per JVM, like the test server it is
 * configured into ({@code switchboard.domains.dns-server}); tests use names of their own. A name
 * with no records is NXDOMAIN; one marked {@link #fail} is SERVFAIL.
 */
public final class DnsDouble {

    private static volatile DnsDouble instance;

    private final DatagramSocket socket;
    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    private DnsDouble() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().name("dns-double").start(this::serve);
    }

    public static synchronized DnsDouble get() {
        if (instance == null) {
            try {
                instance = new DnsDouble();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the DNS double", e);
            }
        }
        return instance;
    }

    /** {@code 127.0.0.1:<port>}, as the server's setting takes it. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Publishes TXT records at a name (replacing any). */
    public void txt(String name, String... records) {
        txt.put(key(name), List.of(records));
    }

    /** The name answers SERVFAIL. */
    public void fail(String name) {
        failing.put(key(name), true);
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // A malformed query: no answer, as a real server would drop it.
            }
        }
    }

    private Message answer(Message query) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        String name = question.getName().toString().toLowerCase(Locale.ROOT);
        if (failing.containsKey(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<String> records = txt.get(name);
        if (records == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        if (question.getType() == Type.TXT) {
            for (String r : records) {
                // One TXT record may hold several strings of at most 255 bytes each.
                java.util.List<String> parts = new java.util.ArrayList<>();
                for (int i = 0; i < r.length(); i += 255) parts.add(r.substring(i, Math.min(r.length(), i + 255)));
                response.addRecord(new TXTRecord(Name.fromString(name), DClass.IN, 60, parts), Section.ANSWER);
            }
        }
        return response;
    }
}
