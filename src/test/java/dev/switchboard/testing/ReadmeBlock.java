package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bash block of the README between {@code <!-- name:start -->} and {@code <!-- name:end -->}, run
 * as written with {@code bash -eu} after literal replacements (the server's and the doubles' real
 * ports, the test's tenant), so that the README stays true.
 */
public final class ReadmeBlock {

    private final String name;
    private final Map<String, String> replacements = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private ReadmeBlock(String name) {
        this.name = name;
    }

    public static ReadmeBlock named(String name) {
        return new ReadmeBlock(name);
    }

    /** Whether bash and curl are there to run a block (tests skip without them). */
    public static boolean runnable() {
        return onPath("bash") && onPath("curl");
    }

    public ReadmeBlock replace(String literal, String with) {
        replacements.put(literal, with);
        return this;
    }

    public ReadmeBlock env(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** Runs the block; fails the test unless it exits 0 within {@code timeout}. Returns its output. */
    public String run(Duration timeout) throws IOException, InterruptedException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- " + name + ":start -->");
        int end = readme.indexOf("<!-- " + name + ":end -->");
        assertThat(start).as("README has the block '%s'", name).isPositive();
        assertThat(end).as("README ends the block '%s'", name).isGreaterThan(start);
        String block = readme.substring(start, end);
        String script = block.substring(block.indexOf("```bash") + 7, block.lastIndexOf("```"));
        for (var r : replacements.entrySet()) script = script.replace(r.getKey(), r.getValue());
        var command = new ProcessBuilder("bash", "-eu", "-c", script).redirectErrorStream(true);
        command.environment().putAll(environment);
        Process bash = command.start();
        var output = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = bash.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                // the process ended
            }
        });
        boolean ended = bash.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) bash.destroyForcibly().waitFor();
        reader.join(5_000);
        String out = output.toString(StandardCharsets.UTF_8);
        System.out.println("README block '" + name + "':\n" + out);
        assertThat(ended)
                .as("the block '%s' ended within %s:\n%s", name, timeout, out)
                .isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        return out;
    }

    public static boolean onPath(String command) {
        if (new File("/usr/bin/" + command).canExecute()) return true;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) return true;
        }
        return false;
    }
}
