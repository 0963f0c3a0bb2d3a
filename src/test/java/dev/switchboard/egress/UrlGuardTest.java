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

/** Blocked destinations get zero connections, however they are spelled or resolved. */
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
                "http://168.63.129.16/", // Azure WireServer
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
                "http://[::ffff:0:7f00:1]/",
                "http://[::ffff:0:a9fe:a9fe]/",
                "http://[::ffff:0:808:808]/", // IPv4-translated, even of a public address
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
                        .hasMessage(UrlGuard.REFUSED_HOST);
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

    /** 16 bytes as a resolver may return them: ::ffff:a.b.c.d, which Java would otherwise turn into IPv4. */
    static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c, (byte) d};
        return java.net.Inet6Address.getByAddress(null, bytes, -1);
    }

    @Test
    void aMappedAddressIsJudgedByItsIpv4AddressAlone() throws Exception {
        // An allowed IPv6 range, however wide, does not open the IPv6 forms of blocked IPv4 addresses.
        var everyIpv6 = AddressPolicy.allowing(List.of("::/0"));
        assertThat(everyIpv6.blockReason(mapped(169, 254, 169, 254))).isNotNull();
        assertThat(everyIpv6.blockReason(mapped(127, 0, 0, 1))).isNotNull();
        assertThat(everyIpv6.blockReason(InetAddress.getByName("64:ff9b::a9fe:a9fe")))
                .isNotNull();
        assertThat(everyIpv6.blockReason(InetAddress.getByName("2002:a9fe:a9fe::1")))
                .isNotNull();
        assertThat(everyIpv6.blockReason(InetAddress.getByName("::ffff:0:808:808")))
                .isNotNull();
        assertThat(everyIpv6.blockReason(InetAddress.getByName("fd00::1"))).isNull();
        // An allowed IPv4 range opens its mapped form, and only that.
        var loopback = AddressPolicy.allowing(List.of("127.0.0.0/8"));
        assertThat(loopback.blockReason(mapped(127, 0, 0, 1))).isNull();
        assertThat(loopback.blockReason(mapped(10, 0, 0, 1))).isNotNull();
        assertThat(loopback.blockReason(mapped(8, 8, 8, 8))).isNull();
        // ::1 is IPv6 loopback, opened by its own entry (not read as the IPv4-compatible 0.0.0.1).
        assertThat(loopback.blockReason(InetAddress.getByName("::1"))).isNotNull();
        assertThat(AddressPolicy.allowing(List.of("::1/128")).blockReason(InetAddress.getByName("::1")))
                .isNull();
    }

    @Test
    void aRefusalNamesNoResolvedAddress() {
        var guard = new UrlGuard(AddressPolicy.blockingPrivateNetworks(), host -> switch (host) {
            case "internal.test" -> new InetAddress[] {InetAddress.getByName("10.20.30.40")};
            case "mapped.test" -> new InetAddress[] {mapped(172, 16, 5, 6)};
            default -> throw new UnknownHostException(host);
        });
        // Blocked and unresolvable read the same: neither the address nor the existence of a name leaks.
        for (String url : List.of("http://internal.test/", "http://mapped.test/", "http://missing.test/")) {
            assertThatThrownBy(() -> guard.check(url))
                    .as(url)
                    .isInstanceOf(BlockedDestinationException.class)
                    .hasMessage(UrlGuard.REFUSED_HOST)
                    .hasMessageNotContaining("10.20.30.40")
                    .hasMessageNotContaining("172.16.5.6");
        }
    }

    @Test
    void tenantAndOperatorUrlsHaveTheirOwnAllowLists() throws Exception {
        var guards = UrlGuards.of(new EgressProperties(List.of("10.1.0.0/16"), List.of("127.0.0.0/8")));
        var tenant = new UrlGuard(guards.tenant().policy(), UrlGuardTest::literalOnly);
        var operator = new UrlGuard(guards.operator().policy(), UrlGuardTest::literalOnly);
        assertThatThrownBy(() -> tenant.check("http://127.0.0.1:8081/token"))
                .isInstanceOf(BlockedDestinationException.class);
        tenant.check("http://10.1.2.3/hook");
        operator.check("http://127.0.0.1:8081/token");
        operator.check("http://10.1.2.3/api"); // the operator may reach what tenants may
        assertThatThrownBy(() -> operator.check("http://10.2.0.1/")).isInstanceOf(BlockedDestinationException.class);
        assertThatThrownBy(() -> operator.check("http://169.254.169.254/"))
                .isInstanceOf(BlockedDestinationException.class);
    }

    @Test
    void aMalformedRangeStopsTheServerNamingTheSetting() {
        assertThatThrownBy(() -> new EgressProperties(List.of("10.0.0.0/8"), List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switchboard.egress.operator-allowed-networks")
                .hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> new EgressProperties(List.of("localhost"), List.of()))
                .hasMessageContaining("switchboard.egress.tenant-allowed-networks");
        assertThat(new EgressProperties(List.of(" 10.0.0.0/8 ", ""), List.of()).tenantAllowedNetworks())
                .containsExactly("10.0.0.0/8");
    }
}
