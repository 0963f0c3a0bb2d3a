package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.PaypalDouble;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's local checks as written: a Meta subscription check, a Graph validation request
 * and a PayPal-shaped event signed with openssl. The PayPal stand-in is the suite's (its key, and a
 * certificate on the host the suite's server fetches from) instead of the one the README makes.
 */
class ReadmeInboundTest extends ServerTest {

    @Test
    void theLocalChecksWorkAsWritten(@TempDir Path dir) throws Exception {
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        assumeTrue(onPath("openssl") && onPath("gzip") && onPath("od"), "openssl, gzip or od is not installed");
        // The README signs with the machine's real time, which the server's PayPal check holds to a
        // tolerance: an earlier test in this JVM may have moved the shared clock on.
        clock.reset();
        PaypalDouble paypal = PaypalDouble.get();
        Path key = dir.resolve("paypal.key");
        Files.writeString(
                key,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes())
                                .encodeToString(paypal.signingKey.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        String tenant = newTenant();
        String out = ReadmeBlock.named("inbound-local")
                .replace("localhost:8080", "127.0.0.1:" + port)
                .replace("/tenants/acme/", "/tenants/" + tenant + "/")
                .env("ACME", newKey(tenant, "admin"))
                .env("PAYPAL_KEY", key.toString())
                .env("PAYPAL_CERT_URL", paypal.certUrl("CERT-good"))
                .run(Duration.ofSeconds(60));
        assertThat(out.lines().toList())
                .contains("1158201444", "Validation: Testing client application reachability")
                .anySatisfy(l -> assertThat(l).matches("\\{\"id\":\"evt_[0-9a-z]{26}\",\"duplicate\":false}"));
        assertThat(out).doesNotContain("\"code\":");

        var events = api.get("/api/v1/tenants/" + tenant + "/events?canonicalType=payment.succeeded", ADMIN)
                .json()
                .get("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type").asString()).isEqualTo("paypal.PAYMENT.CAPTURE.COMPLETED");
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (new java.io.File(d, command).canExecute()) return true;
        }
        return false;
    }
}
