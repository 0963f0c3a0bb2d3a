package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.ServerTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the README's five-minute tour, as written, against the real server. */
class ReadmeTourTest extends ServerTest {

    @Test
    void theTourWorksAsWritten() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute() || onPath("curl"), "curl is not installed");
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- tour:start -->");
        int end = readme.indexOf("<!-- tour:end -->");
        assertThat(start).as("README has a tour").isPositive();
        String block = readme.substring(start, end);
        String script = block.substring(block.indexOf("```bash") + 7, block.lastIndexOf("```"))
                .replaceAll("(?m)^export ADMIN=.*$", "export ADMIN='" + ADMIN + "'")
                .replace("localhost:8080", "127.0.0.1:" + port);

        Process bash = new ProcessBuilder("bash", "-eu", "-c", script)
                .redirectErrorStream(true)
                .start();
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.exitValue()).as(out).isZero();

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

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) return true;
        }
        return false;
    }
}
