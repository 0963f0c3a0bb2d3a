package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What senders control never makes the new options throw: canonical type rules on any body, the
 * trusted-proxy reading of any {@code X-Forwarded-For}/{@code -Proto}, {@code allowedTypes} checks
 * on any list. (Over HTTP, {@link InboundOptionsHttpFuzzTest}.)
 */
class InboundOptionsFuzzTest {

    static final TrustedProxies PROXIES =
            new TrustedProxies(CanonicalTypesTest.properties(null, List.of("10.0.0.0/8", "::1")));

    @Provide
    Arbitrary<String> forwarded() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "203.0.113.7",
                        "203.0.113.7, 10.0.0.1",
                        "10.0.0.1, 10.0.0.2",
                        "unknown, 10.0.0.1",
                        "[2001:db8::1]:443",
                        "1.2.3.4:5678",
                        ", ,,",
                        "https",
                        "https, http",
                        "HTTPS",
                        "999.999.999.999",
                        "::ffff:10.0.0.1",
                        "fe80::1%eth0",
                        "a".repeat(5000)),
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings().withChars("0123456789abcdef:.,[] ").ofMaxLength(120));
    }

    @Provide
    Arbitrary<String> peers() {
        return Arbitraries.oneOf(
                Arbitraries.of("10.1.2.3", "::1", "0:0:0:0:0:0:0:1", "127.0.0.1", "203.0.113.9", "", "localhost"),
                Arbitraries.strings().withChars("0123456789abcdef:.").ofMaxLength(45));
    }

    @Property(tries = 500)
    void theSendersAddressIsReadWithoutThrowing(
            @ForAll("peers") String peer,
            @ForAll boolean secure,
            @ForAll("forwarded") String forwardedFor,
            @ForAll("forwarded") String forwardedProto) {
        var origin = PROXIES.resolve(peer, secure, List.of(forwardedFor), List.of(forwardedProto));
        assertThat(origin).isNotNull();
        // An untrusted peer's headers are never believed.
        if (!PROXIES.trusted(peer)) assertThat(origin).isEqualTo(new TrustedProxies.Origin(peer, secure));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                                "{\"event\":{\"type\":\"message\",\"subtype\":null}}",
                                "{\"event\":{\"type\":[\"message\"]}}",
                                "{\"event\":\"message\"}",
                                "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"subtype\":{}}}",
                                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\"}]}]}",
                                "[]",
                                "null",
                                "{\"type\":\"" + "x".repeat(500) + "\"}")
                        .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(400));
    }

    @Property(tries = 300)
    void canonicalTypesAreReadFromAnyBodyWithoutThrowing(
            @ForAll("bodies") byte[] body, @ForAll("forwarded") String header) {
        var request = new WebhookRequest(
                Map.of(
                        "x-shopify-topic", List.of(header),
                        "x-goog-resource-state", List.of(header),
                        "x-goog-resource-uri", List.of("https://www.googleapis.com/calendar/v3/" + header)),
                body,
                List.of("https://h/webhooks/src_1"),
                "application/json",
                Instant.ofEpochSecond(1_700_000_000));
        var payload = CanonicalTypesTest.NORMALIZER.read(request);
        for (Provider p : Provider.values()) {
            String type = CanonicalTypesTest.NORMALIZER
                    .normalize(p, SourceOptions.NONE, payload)
                    .type();
            String canonical = CanonicalTypesTest.BUILT_IN.of(type, payload);
            if (canonical != null) assertThat(canonical).matches("[a-z0-9_.]+");
        }
    }

    @Provide
    Arbitrary<List<String>> allowedTypes() {
        return Arbitraries.oneOf(
                        Arbitraries.of("stripe.*", "*", ".*", "payment.succeeded", "", " ", "a..*", "x".repeat(300)),
                        Arbitraries.strings().ofMaxLength(60))
                .injectNull(0.05)
                .list()
                .ofMaxSize(120);
    }

    @Property(tries = 300)
    void allowedTypesAreCheckedAndAppliedWithoutThrowing(
            @ForAll("allowedTypes") List<String> allowed, @ForAll String type, @ForAll String canonical) {
        var options = new SourceOptions(null, null, null, null, null, null, null, null, null, allowed, true);
        for (Provider p : Provider.values()) assertThat(options.problems(p)).isNotNull();
        if (options.problems(Provider.NONE).isEmpty()) {
            options.allows(type, canonical);
            options.allows(type, null);
        }
    }
}
