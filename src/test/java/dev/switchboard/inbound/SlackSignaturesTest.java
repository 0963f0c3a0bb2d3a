package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public Slack verifier other modules use, on Slack's own published example request. */
class SlackSignaturesTest {

    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String TIMESTAMP = "1531420618";
    private static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
                    + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
                    + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
                    + "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                    + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
            .getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static final Instant SENT = Instant.ofEpochSecond(1531420618);

    private static SlackSignatures.Outcome verify(String signature, String timestamp, byte[] body, Instant now) {
        return SlackSignatures.verify(
                Map.of("X-Slack-Signature", List.of(signature), "X-Slack-Request-Timestamp", List.of(timestamp)),
                body,
                List.of(Secret.of(SECRET)),
                now,
                300);
    }

    @Test
    void slacksExampleVerifies() {
        assertThat(verify(SIGNATURE, TIMESTAMP, BODY, SENT.plusSeconds(10)))
                .isEqualTo(SlackSignatures.Outcome.VERIFIED);
    }

    @Test
    void aChangedBodyOrSignatureIsInvalid() {
        byte[] changed = BODY.clone();
        changed[6] ^= 1;
        assertThat(verify(SIGNATURE, TIMESTAMP, changed, SENT)).isEqualTo(SlackSignatures.Outcome.SIGNATURE_INVALID);
        String flipped = SIGNATURE.substring(0, SIGNATURE.length() - 1) + "4";
        assertThat(verify(flipped, TIMESTAMP, BODY, SENT)).isEqualTo(SlackSignatures.Outcome.SIGNATURE_INVALID);
        assertThat(verify("v1=" + SIGNATURE.substring(3), TIMESTAMP, BODY, SENT))
                .isEqualTo(SlackSignatures.Outcome.SIGNATURE_INVALID);
    }

    @Test
    void anOldTimestampIsStaleAndMissingHeadersAreMissing() {
        assertThat(verify(SIGNATURE, TIMESTAMP, BODY, SENT.plusSeconds(301)))
                .isEqualTo(SlackSignatures.Outcome.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThat(SlackSignatures.verify(Map.of(), BODY, List.of(Secret.of(SECRET)), SENT, 300))
                .isEqualTo(SlackSignatures.Outcome.SIGNATURE_MISSING);
    }
}
