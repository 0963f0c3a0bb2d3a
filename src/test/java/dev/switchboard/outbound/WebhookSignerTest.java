package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.switchboard.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void matchesThePublishedVector() {
        String sig = WebhookSigner.signatures(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8),
                List.of(Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));
        assertThat(sig).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theOfficialLibraryVerifiesEitherSecretDuringARotation() throws Exception {
        Secret old = WebhookSigner.newSecret();
        Secret fresh = WebhookSigner.newSecret();
        String body = "{\"type\":\"invoice.paid\",\"data\":{\"id\":\"in_1\"}}";
        long now = Instant.now().getEpochSecond();
        String both =
                WebhookSigner.signatures("msg_1", now, body.getBytes(StandardCharsets.UTF_8), List.of(fresh, old));
        assertThat(both.split(" ")).hasSize(2);
        Map<String, List<String>> headers = Map.of(
                "webhook-id",
                List.of("msg_1"),
                "webhook-timestamp",
                List.of(String.valueOf(now)),
                "webhook-signature",
                List.of(both));
        new Webhook(old.reveal()).verify(body, headers);
        new Webhook(fresh.reveal()).verify(body, headers);
        assertThatThrownBy(() -> new Webhook(WebhookSigner.newSecret().reveal()).verify(body, headers))
                .isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(old.reveal()).verify(body + " ", headers))
                .isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
    }

    @Test
    void refusesToSignWithoutAProperSecret() {
        assertThatThrownBy(() -> WebhookSigner.signatures("m", 1, new byte[0], List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSigner.signatures("m", 1, new byte[0], List.of(Secret.of("plain"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
