package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.ServerTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

/** Runs the README's OAuth walkthrough, as written, against the real server and a local OAuth server. */
class ReadmeConnectionsTest extends ServerTest {

    @Test
    void theOAuthWalkthroughWorksAsWritten() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute(), "curl is not installed");
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- oauth:start -->");
        int end = readme.indexOf("<!-- oauth:end -->");
        assertThat(start).as("README has the OAuth walkthrough").isPositive();
        String block = readme.substring(start, end);
        MockOAuth2Server oauth = new MockOAuth2Server();
        oauth.start();
        String tenant = newTenant();
        try {
            String script = block.substring(block.indexOf("```bash") + 7, block.lastIndexOf("```"))
                    .replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:8081", "127.0.0.1:" + oauth.baseUrl().port())
                    .replace("/tenants/acme/", "/tenants/" + tenant + "/");
            var command = new ProcessBuilder("bash", "-eu", "-c", script);
            command.environment().put("SWITCHBOARD_ADMIN_KEY", ADMIN);
            command.environment().put("ACME", newKey(tenant, "admin"));
            Process run = command.redirectErrorStream(true).start();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.exitValue()).as(out).isZero();
            assertThat(out)
                    .contains("\"key\":\"local-oauth\"")
                    .contains("\"state\":\"active\"")
                    .contains("\"status\":\"healthy\"")
                    .doesNotContain("\"code\":");
        } finally {
            api.delete("/api/v1/providers/local-oauth", ADMIN);
            oauth.shutdown();
        }
    }
}
