package dev.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark part in a JVM of its own (a provider double, a load generator), so that its CPU is
 * not charged to the server's process: {@code Bench <mode> args…} on this JVM's classpath. Its
 * standard output is echoed; lines starting with a tag ({@code PORT}, {@code RESULT}) are answers.
 */
public final class Child implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println("  [" + process.pid() + "] " + line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        });
    }

    public static Child start(String mode, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Bench.class.getName());
        command.add(mode);
        command.addAll(List.of(args));
        return new Child(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    /** The rest of the first line starting with {@code tag + " "}, waiting up to {@code seconds}. */
    public String await(String tag, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(tag + " ")) return line.substring(tag.length() + 1);
            if (line == null && !process.isAlive() && lines.isEmpty()) break;
        }
        throw new IllegalStateException(
                "no " + tag + " line from " + process.info().commandLine().orElse("child"));
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Asks a process to end (SIGTERM), and kills it if it has not within 5 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
