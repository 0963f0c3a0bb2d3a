package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The cost of verifying one valid request, per scheme and body size (docs/BENCHMARKS.md). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerifyBenchmark {

    @Param({"stripe", "slack", "github", "shopify", "standard-webhooks", "twilio", "hmac", "token"})
    public String scheme;

    @Param({"1024", "16384"})
    public int bodyBytes;

    private WebhookRequest request;
    private List<Secret> secrets;
    private Scheme verifier;
    private SourceOptions options = SourceOptions.NONE;

    @Setup
    public void setup() throws Exception {
        long ts = 1_700_000_000L;
        char[] filler = new char[bodyBytes - 20];
        Arrays.fill(filler, 'x');
        String body = "{\"id\":\"evt_1\",\"p\":\"" + new String(filler) + "\"}";
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String url = "https://hooks.example.com/webhooks/src_1";
        Map<String, String> h = new HashMap<>();
        String contentType = "application/json";
        switch (scheme) {
            case "stripe" -> h.put("stripe-signature", Signers.stripe(body, secret, ts));
            case "slack" -> {
                h.put("x-slack-request-timestamp", String.valueOf(ts));
                h.put("x-slack-signature", Signers.slack(secret, ts, body));
            }
            case "github" -> h.put("x-hub-signature-256", Signers.github(secret, body));
            case "shopify" -> h.put("x-shopify-hmac-sha256", Signers.shopify(secret, body));
            case "standard-webhooks" -> {
                h.put("webhook-id", "msg_1");
                h.put("webhook-timestamp", String.valueOf(ts));
                h.put("webhook-signature", Signers.standardWebhooks(secret, "msg_1", ts, body));
            }
            case "twilio" -> {
                url = url + "?bodySHA256=" + TwilioScheme.bodyHash(body.getBytes(StandardCharsets.UTF_8));
                h.put("x-twilio-signature", Signers.twilio(secret, url, Map.of()));
            }
            case "hmac" -> {
                options = new SourceOptions(null, "X-Signature", "sha256=", null, null, null, null, null);
                h.put("x-signature", Signers.github(secret, body));
            }
            case "token" -> h.put("authorization", "Bearer " + secret);
            default -> throw new IllegalArgumentException(scheme);
        }
        Map<String, List<String>> headers = new HashMap<>();
        h.forEach((k, v) -> headers.put(k, List.of(v)));
        request = new WebhookRequest(
                headers, body.getBytes(StandardCharsets.UTF_8), List.of(url), contentType, Instant.ofEpochSecond(ts));
        secrets = List.of(Secret.of(secret));
        verifier = Provider.valueOf(scheme.toUpperCase().replace('-', '_')).scheme;
        if (!(verifier.verify(request, secrets, options) instanceof Verification.Verified)) {
            throw new IllegalStateException(scheme + ": the benchmark request does not verify");
        }
    }

    @Benchmark
    public Verification verify() {
        return verifier.verify(request, secrets, options);
    }
}
