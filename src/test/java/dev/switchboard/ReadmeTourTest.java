package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the README's five-minute tour, as written, against the real server. */
class ReadmeTourTest extends ServerTest {

    @Test
    void theTourWorksAsWritten() throws Exception {
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        runTour(port, ADMIN);
    }

    /** Runs the tour against the server on {@code port} with its admin key, and checks what it printed. */
    static void runTour(int port, String admin) throws Exception {
        String out = ReadmeBlock.named("tour")
                .replace(
                        "export ADMIN=sb_01jd0000000000000000000000_paste-the-printed-key-here",
                        "export ADMIN='" + admin + "'")
                .replace("localhost:8080", "127.0.0.1:" + port)
                .run(Duration.ofSeconds(60));
        assertThat(out)
                .contains("{\"id\":\"acme\",\"name\":\"Acme Inc\",\"status\":\"active\"")
                .contains("\"code\":\"forbidden\"")
                .contains("\"code\":\"not_found\"")
                .contains("\"field\":\"role\"")
                .contains("\"prefix\":\"sb_")
                .contains("\n204\n")
                .contains("\n401\n")
                .contains("\"status\":\"UP\"")
                .contains("http_server_requests")
                .contains("\"openapi\"")
                .doesNotContain("\"status\":500");
        // Step 7 lists keys without their secrets.
        assertThat(out.lines()
                        .filter(l -> l.startsWith("{\"data\":["))
                        .findFirst()
                        .orElseThrow())
                .doesNotContain("\"key\"");
    }
}
