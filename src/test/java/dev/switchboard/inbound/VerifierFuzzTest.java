package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.vault.Secret;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Arbitrary headers and bodies never make a verifier throw: every outcome is a verdict. Seeds
 * include the header-parser bugs other webhook libraries shipped.
 */
class VerifierFuzzTest {

    static final List<String> HEADERS = List.of(
            "stripe-signature",
            "x-slack-signature",
            "x-slack-request-timestamp",
            "x-hub-signature-256",
            "x-twilio-signature",
            "x-shopify-hmac-sha256",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "svix-id",
            "svix-timestamp",
            "svix-signature",
            "authorization",
            "x-signature",
            "x-timestamp");

    static final SourceOptions HMAC_OPTIONS = new SourceOptions(
            300,
            "X-Signature",
            "sha256=",
            SourceOptions.Algorithm.SHA256,
            SourceOptions.Encoding.HEX,
            "X-Timestamp",
            "{timestamp}.{body}",
            null);

    @Provide
    Arbitrary<String> headerValue() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "t=not_a_number",
                        "t",
                        "t=1,v1=",
                        "v0=",
                        "sha256=",
                        "v1,",
                        "v1, abc",
                        "t=1, v1=zz",
                        "",
                        " ",
                        "Bearer ",
                        "t=99999999999999999999,v1=00",
                        "t=-1,v1=00",
                        "v1,!!!!",
                        "sha256=GG",
                        "t=1700000000,v1=" + "a".repeat(64) + ",v1=" + "b".repeat(63)),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("tv01=,. ;abcdef").ofMaxLength(80),
                Arbitraries.strings().all().ofMaxLength(50),
                Arbitraries.just("t=1,v1=" + "a".repeat(1_000_000)));
    }

    @Provide
    Arbitrary<Map<String, List<String>>> headers() {
        return Combinators.combine(
                        Arbitraries.of(HEADERS).list().ofMaxSize(6),
                        headerValue().list().ofMinSize(6).ofMaxSize(6))
                .as((names, values) -> {
                    Map<String, List<String>> h = new HashMap<>();
                    for (int i = 0; i < names.size(); i++) h.put(names.get(i), List.of(values.get(i)));
                    return h;
                });
    }

    @Property(tries = 300)
    void noVerifierThrows(
            @ForAll("headers") Map<String, List<String>> headers,
            @ForAll byte[] body,
            @ForAll("contentTypes") String contentType,
            @ForAll("urls") String url) {
        var request =
                new WebhookRequest(headers, body, List.of(url), contentType, Instant.ofEpochSecond(1_700_000_000));
        var secrets = List.of(Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Secret.of("not-base64-!!"));
        for (Provider p : Provider.values()) {
            SourceOptions options = p == Provider.HMAC ? HMAC_OPTIONS : SourceOptions.NONE;
            Verification v = p.scheme.verify(request, secrets, options);
            assertThat(v).isNotNull();
            if (p != Provider.NONE) assertThat(v).isInstanceOf(Verification.Rejected.class);
            assertThat(new Normalizer(tools.jackson.databind.json.JsonMapper.builder()
                                    .build())
                            .normalize(p, options, request))
                    .isNotNull();
        }
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.oneOf(
                Arbitraries.of("application/json", "application/x-www-form-urlencoded", "text/plain", ""),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> urls() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "https://h/webhooks/src_1?bodySHA256=zz",
                        "http://[::1]:99999/x",
                        "https://h:443/x?a=%zz",
                        "::"),
                Arbitraries.strings().ofMaxLength(60));
    }
}
