package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers' published known-answer vectors, from their documentation and official libraries. */
class VerifierVectorsTest {

    static WebhookRequest request(
            Map<String, String> headers, String body, String contentType, Instant at, String... urls) {
        Map<String, List<String>> h = new java.util.HashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
        return new WebhookRequest(h, body.getBytes(StandardCharsets.UTF_8), List.of(urls), contentType, at);
    }

    static List<Secret> secret(String s) {
        return List.of(Secret.of(s));
    }

    @Test
    void github() {
        var r = request(
                Map.of(
                        "X-Hub-Signature-256",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                "Hello, World!",
                "application/json",
                Instant.now());
        assertThat(new GithubScheme().verify(r, secret("It's a Secret to Everybody"), SourceOptions.NONE))
                .isEqualTo(new Verification.Verified("github-sha256"));
        assertThat(new GithubScheme().verify(r, secret("It's a Secret to Everybody!"), SourceOptions.NONE))
                .isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void slack() {
        String body =
                "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        var headers = Map.of(
                "X-Slack-Request-Timestamp", "1531420618",
                "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
        var secret = secret("8f742231b10e8888abcd99yyyzzz85a5");
        var fresh = request(headers, body, "application/x-www-form-urlencoded", Instant.ofEpochSecond(1531420618 + 60));
        assertThat(new SlackScheme().verify(fresh, secret, SourceOptions.NONE))
                .isEqualTo(new Verification.Verified("slack-v0"));
        var late = request(headers, body, "application/x-www-form-urlencoded", Instant.ofEpochSecond(1531420618 + 301));
        assertThat(new SlackScheme().verify(late, secret, SourceOptions.NONE))
                .isEqualTo(Verification.stale("The Slack request timestamp is outside the tolerance."));
    }

    @Test
    void standardWebhooks() {
        var headers = Map.of(
                "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp", "1614265330",
                "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        var r = request(headers, "{\"test\": 2432232314}", "application/json", Instant.ofEpochSecond(1614265330));
        assertThat(new StandardWebhooksScheme()
                        .verify(r, secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), SourceOptions.NONE))
                .isEqualTo(new Verification.Verified("standard-webhooks-v1"));
        // The same under the svix-* names, and among other signatures.
        var svix = request(
                Map.of(
                        "svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "svix-timestamp", "1614265330",
                        "svix-signature", "v1,Ym9ndXM= v1a,abc v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                "{\"test\": 2432232314}",
                "application/json",
                Instant.ofEpochSecond(1614265330 - 299));
        assertThat(new StandardWebhooksScheme()
                        .verify(svix, secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), SourceOptions.NONE))
                .isInstanceOf(Verification.Verified.class);
    }

    @Test
    void twilioForm() {
        String url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        String body =
                "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
        var r = request(
                Map.of("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                body,
                "application/x-www-form-urlencoded",
                Instant.now(),
                url);
        assertThat(new TwilioScheme().verify(r, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Verified.class);
        // Signed with the explicit default port: still accepted for the URL without it, and vice versa.
        var withPort = request(
                Map.of("X-Twilio-Signature", "kvajT1Ptam85bY51eRf/AJRuM3w="),
                body,
                "application/x-www-form-urlencoded",
                Instant.now(),
                url);
        assertThat(new TwilioScheme().verify(withPort, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Verified.class);
        var portInUrl = request(
                Map.of("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                body,
                "application/x-www-form-urlencoded",
                Instant.now(),
                "https://mycompany.com:443/myapp.php?foo=1&bar=2");
        assertThat(new TwilioScheme().verify(portInUrl, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Verified.class);
        var tampered = request(
                Map.of("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                body + "&Extra=1",
                "application/x-www-form-urlencoded",
                Instant.now(),
                url);
        assertThat(new TwilioScheme().verify(tampered, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void twilioJson() {
        String body = "{\"property\": \"value\", \"boolean\": true}";
        assertThat(TwilioScheme.bodyHash(body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
        String url =
                "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        var r = request(
                Map.of("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
                body,
                "application/json",
                Instant.now(),
                url);
        assertThat(new TwilioScheme().verify(r, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Verified.class);
        var otherBody = request(
                Map.of("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
                body + " ",
                "application/json",
                Instant.now(),
                url);
        assertThat(new TwilioScheme().verify(otherBody, secret("12345"), SourceOptions.NONE))
                .isInstanceOf(Verification.Rejected.class);
    }

    @Test
    void genericHmacWithATimestampTemplate() {
        var options = new SourceOptions(
                60,
                "X-Signature",
                "sha256=",
                SourceOptions.Algorithm.SHA256,
                SourceOptions.Encoding.HEX,
                "X-Timestamp",
                "{timestamp}.{body}",
                null);
        byte[] sig = Hmac.sign("HmacSHA256", Hmac.utf8("s3cret"), Hmac.utf8("1700000000.{\"a\":1}"));
        var r = request(
                Map.of("X-Signature", "sha256=" + java.util.HexFormat.of().formatHex(sig), "X-Timestamp", "1700000000"),
                "{\"a\":1}",
                "application/json",
                Instant.ofEpochSecond(1700000030));
        assertThat(new HmacScheme().verify(r, secret("s3cret"), options))
                .isEqualTo(new Verification.Verified("hmac-sha256"));
        var late = request(
                Map.of("X-Signature", "sha256=" + java.util.HexFormat.of().formatHex(sig), "X-Timestamp", "1700000000"),
                "{\"a\":1}",
                "application/json",
                Instant.ofEpochSecond(1700000061));
        assertThat(new HmacScheme().verify(late, secret("s3cret"), options)).isInstanceOf(Verification.Rejected.class);
    }
}
