package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose {@code X-Forwarded-*} headers are believed, and what they say. */
class TrustedProxiesTest {

    static TrustedProxies trusting(String... cidrs) {
        return new TrustedProxies(CanonicalTypesTest.properties(null, List.of(cidrs)));
    }

    static final TrustedProxies PROXY = trusting("10.0.0.0/8", "2001:db8::/32");

    @Test
    void withoutTrustedProxiesThePeerIsTheSenderWhateverItsHeadersSay() {
        var none = trusting();
        assertThat(none.resolve("10.0.0.5", false, List.of("203.0.113.7"), List.of("https")))
                .isEqualTo(new TrustedProxies.Origin("10.0.0.5", false));
        assertThat(none.resolve("10.0.0.5", true, List.of(), List.of("http")))
                .isEqualTo(new TrustedProxies.Origin("10.0.0.5", true));
    }

    @Test
    void anUntrustedPeersForwardedHeadersAreIgnored() {
        assertThat(PROXY.resolve("198.51.100.1", false, List.of("203.0.113.7"), List.of("https")))
                .isEqualTo(new TrustedProxies.Origin("198.51.100.1", false));
    }

    @Test
    void aTrustedProxyIsBelievedFromTheRightUpToTheFirstUntrustedHop() {
        // The sender wrote 192.0.2.66 itself; the proxies recorded 203.0.113.7 and each other.
        assertThat(PROXY.resolve("10.0.0.5", false, List.of("192.0.2.66, 203.0.113.7", "10.0.0.9"), List.of("https")))
                .isEqualTo(new TrustedProxies.Origin("203.0.113.7", true));
        assertThat(PROXY.resolve("10.0.0.5", false, List.of(), List.of()))
                .isEqualTo(new TrustedProxies.Origin("10.0.0.5", false));
        assertThat(PROXY.resolve("2001:db8::1", false, List.of("2001:db8::2"), List.of("http")))
                .isEqualTo(new TrustedProxies.Origin("2001:db8::2", false));
        // Nonsense from a proxy: the last address it vouched for.
        assertThat(PROXY.resolve("10.0.0.5", false, List.of("203.0.113.7, unknown"), List.of())
                        .address())
                .isEqualTo("10.0.0.5");
    }

    @Test
    void theProtocolIsTheSendersHopsWhenProxiesAppendAndElseNotHttps() {
        // One value per hop: the sender's hop (the first untrusted from the right) said https.
        assertThat(PROXY.resolve("10.0.0.5", false, List.of("203.0.113.7, 10.0.0.9"), List.of("https, http"))
                        .https())
                .isTrue();
        // The sender's own claim, appended to by an edge that recorded http: refused.
        assertThat(PROXY.resolve("10.0.0.5", false, List.of("203.0.113.7"), List.of("https, http"))
                        .https())
                .isFalse();
        assertThat(PROXY.resolve("10.0.0.5", false, List.of("203.0.113.7"), List.of("HTTPS"))
                        .https())
                .isTrue();
    }

    @Test
    void aSettingThatIsNotAnAddressStopsTheStartup() {
        assertThatThrownBy(() -> TrustedProxies.check(List.of("10.0.0.0/8", "proxy.internal")))
                .hasMessageContaining("SWITCHBOARD_INBOUND_TRUSTED_PROXIES")
                .hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> TrustedProxies.check(List.of("10.0.0.0/99"))).hasMessageContaining("10.0.0.0/99");
    }
}
