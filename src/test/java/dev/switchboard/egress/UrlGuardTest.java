package dev.switchboard.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** REFERENCE.md §3: blocked destinations get zero connections, however they are spelled or resolved. */
class UrlGuardTest {

    static final UrlGuard STRICT = new UrlGuard(AddressPolicy.blockingPrivateNetworks(), UrlGuardTest::literalOnly);

    /** Tests never ask real DNS: only literals resolve. */
    static InetAddress[] literalOnly(String host) throws UnknownHostException {
        if (!host.matches("[0-9a-fA-F:.]+")) throw new UnknownHostException(host);
        return new InetAddress[] {InetAddress.getByName(host)};
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1/",
                "http://127.1.2.3:8080/x",
                "http://[::1]/",
                "http://0.0.0.0/",
                "http://0.1.2.3/",
                "http://10.0.0.1/",
                "http://10.255.255.255/",
                "http://172.16.0.1/",
                "http://172.31.255.254/",
                "http://192.168.1.1/",
                "http://100.64.0.1/",
                "http://100.127.255.254/", // CGNAT
                "http://169.254.169.254/latest/meta-data/",
                "http://169.254.0.1/", // link-local, cloud metadata
                "http://198.18.0.1/",
                "http://198.19.255.255/",
                "http://192.0.0.8/",
                "http://192.0.2.1/",
                "http://198.51.100.7/",
                "http://203.0.113.9/",
                "http://224.0.0.1/",
                "http://239.255.255.250/",
                "http://240.0.0.1/",
                "http://255.255.255.255/",
                "http://[::ffff:127.0.0.1]/",
                "http://[::ffff:10.0.0.1]/",
                "http://[::ffff:169.254.169.254]/", // IPv4-mapped
                "http://[::127.0.0.1]/", // IPv4-compatible
                "http://[64:ff9b::7f00:1]/",
                "http://[64:ff9b::a9fe:a9fe]/",
                "http://[64:ff9b:1::1]/", // NAT64
                "http://[2002:7f00:1::]/",
                "http://[2002:a9fe:a9fe::1]/", // 6to4
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", // Teredo
                "http://[fc00::1]/",
                "http://[fd12:3456::1]/",
                "http://[fe80::1]/",
                "http://[fec0::1]/",
                "http://[ff02::1]/",
                "http://[::]/",
                "http://2130706433/",
                "http://0177.0.0.1/",
                "http://0x7f.0.0.1/",
                "http://0x7f000001/",
                "http://127.1/",
                "http://017700000001/",
                "http://127.000.000.001/",
                "ftp://example.com/",
                "file:///etc/passwd",
                "gopher://127.0.0.1/",
                "http://user:pass@203.0.113.1/",
                "http:///nohost",
                "http://no-such-host.invalid/"
            })
    void refuses(String url) {
        assertThatThrownBy(() -> STRICT.check(url)).isInstanceOf(BlockedDestinationException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://93.184.216.34/hook",
                "http://8.8.8.8:8080/",
                "https://[2606:4700::1111]/",
                "http://[::ffff:8.8.8.8]/",
                "http://[64:ff9b::808:808]/",
                "http://1.1.1.1/"
            })
    void allowsPublicAddresses(String url) throws Exception {
        // Checked only: no connection is made to any public address.
        assertThat(STRICT.check(url)).isNotNull();
    }

    @Test
    void anOperatorAllowListOpensChosenRanges() throws Exception {
        var guard =
                new UrlGuard(AddressPolicy.allowing(List.of("127.0.0.0/8", "10.1.0.0/16")), UrlGuardTest::literalOnly);
        guard.check("http://127.0.0.1:9000/");
        guard.check("http://10.1.2.3/");
        guard.check("http://[::ffff:127.0.0.1]/");
        assertThatThrownBy(() -> guard.check("http://10.2.0.1/")).isInstanceOf(BlockedDestinationException.class);
        assertThatThrownBy(() -> guard.check("http://169.254.169.254/"))
                .isInstanceOf(BlockedDestinationException.class);
    }

    @Test
    void blockedAddressesGetZeroConnections() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                var client = SafeHttpClients.create(STRICT, Duration.ofSeconds(2), 4, 4)) {
            int port = listener.getLocalPort();
            for (String url : List.of(
                    "http://127.0.0.1:" + port + "/",
                    "http://[::ffff:127.0.0.1]:" + port + "/",
                    "http://localhost:" + port + "/",
                    "http://2130706433:" + port + "/")) {
                assertThatThrownBy(() -> client.execute(new HttpGet(url), r -> r.getCode()))
                        .as(url)
                        .isInstanceOf(UnknownHostException.class);
            }
            listener.setSoTimeout(1);
            assertThatThrownBy(listener::accept)
                    .as("no connection reached the listener")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aResolverThatAnswersPublicThenPrivateIsCaughtAtConnectTime() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger lookups = new AtomicInteger();
            // DNS rebinding: a public answer when the URL is saved, loopback when it is called.
            var guard = new UrlGuard(AddressPolicy.blockingPrivateNetworks(), host -> new InetAddress[] {
                lookups.getAndIncrement() == 0
                        ? InetAddress.getByName("93.184.216.34")
                        : InetAddress.getLoopbackAddress()
            });
            String url = "http://rebind.test:" + listener.getLocalPort() + "/";
            guard.check(url);
            try (var client = SafeHttpClients.create(guard, Duration.ofSeconds(2), 4, 4)) {
                assertThatThrownBy(() -> client.execute(new HttpGet(url), r -> r.getCode()))
                        .isInstanceOf(BlockedDestinationException.class)
                        .hasMessageContaining("127.0.0.1");
            }
            assertThat(lookups.get()).isEqualTo(2);
            listener.setSoTimeout(1);
            assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aRedirectToABlockedAddressIsNeverFollowed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        try (var client = SafeHttpClients.create(
                new UrlGuard(AddressPolicy.allowing(List.of("127.0.0.0/8")), UrlGuardTest::literalOnly),
                Duration.ofSeconds(2),
                4,
                4)) {
            int status = client.execute(
                    new HttpGet("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"), r -> r.getCode());
            assertThat(status).isEqualTo(302);
            assertThat(hits.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSixteenByteMappedAddressFromAResolverIsStillChecked() throws Exception {
        byte[] mapped = {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254
        };
        var address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(address.getAddress()).hasSize(16);
        assertThat(AddressPolicy.blockingPrivateNetworks().blockReason(address)).isNotNull();
        var guard = new UrlGuard(AddressPolicy.blockingPrivateNetworks(), host -> new InetAddress[] {address});
        assertThatThrownBy(() -> guard.check("http://metadata.test/")).isInstanceOf(BlockedDestinationException.class);
    }
}
