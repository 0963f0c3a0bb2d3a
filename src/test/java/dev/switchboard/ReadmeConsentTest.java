package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.DnsDouble;
import dev.switchboard.testing.LocalProviders;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's consent walk-through, as written, against the real server, the local Resend
 * stand-in and the local DNS responder: a marketing e-mail sent with its one-click headers, the
 * contact unsubscribed through the link, the second e-mail refused, and a sending-domain check.
 */
class ReadmeConsentTest extends ServerTest {

    @Test
    void theConsentWalkThroughWorksAsWritten() throws Exception {
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        clock.reset();
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        DnsDouble.get().txt("mail.acme.test", "v=spf1 include:_spf.resend.com ~all");
        DnsDouble.get().txt("_dmarc.mail.acme.test", "v=DMARC1; p=reject");
        try (LocalProviders stand_in = new LocalProviders(0, 25, null)) {
            String out = ReadmeBlock.named("consent")
                    .replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:12111", "127.0.0.1:" + stand_in.port())
                    .replace("localhost:12111", "127.0.0.1:" + stand_in.port())
                    .replace("/tenants/acme/", "/tenants/" + tenant + "/")
                    .env("ACME", key)
                    .run(Duration.ofSeconds(90));

            assertThat(out)
                    .contains("\"email\":\"j***@example.com\"")
                    .contains("\"List-Unsubscribe\":\"<http://127.0.0.1:" + port + "/unsubscribe/")
                    .contains("\"List-Unsubscribe-Post\":\"List-Unsubscribe=One-Click\"")
                    .contains("one-click: 200")
                    .contains("\"allowed\":false,\"consent\":\"withdrawn\"")
                    .contains("\"code\":\"consent_missing\"")
                    .contains("\"source\":\"unsubscribe-link\"")
                    .contains("\"evidence\":\"ticked the newsletter box\"")
                    .contains("\"record\":\"spf\",\"name\":\"mail.acme.test\",\"pass\":true")
                    .contains("\"record\":\"dkim:resend\"")
                    .contains("no DKIM record for selector resend")
                    .contains("\"status\":\"fail\"")
                    .doesNotContain("re_walkthrough_4242");
            // One e-mail reached the provider; the second never left.
            assertThat(stand_in.emails).hasSize(1);
            var jobs =
                    api.get("/api/v1/tenants/" + tenant + "/outbox", key).json().get("data");
            assertThat(jobs.size()).isEqualTo(1);
        }
    }
}
