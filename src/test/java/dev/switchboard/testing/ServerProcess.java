package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.Switchboard;
import java.io.File;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Switchboard server in a process of its own (for tests that kill it, or run several nodes), on
 * the main classpath, ready when its health endpoint answers. Its output goes to {@code target/<name>.log}.
 */
public final class ServerProcess implements AutoCloseable {

    public final int port;
    public final Api api;
    private final Process process;

    private ServerProcess(int port, Process process) {
        this.port = port;
        this.process = process;
        this.api = new Api(port);
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static ServerProcess start(String name, Map<String, String> properties, int port) throws Exception {
        return start(name, properties, port, List.of());
    }

    /** As {@link #start(String, Map, int)}, with options for the JVM (e.g. {@code -Dspring.aot.enabled=true}). */
    public static ServerProcess start(String name, Map<String, String> properties, int port, List<String> jvmOptions)
            throws Exception {
        return start(name, properties, port, jvmOptions, true);
    }

    private static ServerProcess start(
            String name, Map<String, String> properties, int port, List<String> jvmOptions, boolean awaitHealthy)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(e -> !e.endsWith("test-classes"))
                        .collect(Collectors.joining(File.pathSeparator)),
                Switchboard.class.getName()));
        Map<String, String> p = new HashMap<>(properties);
        p.put("server.port", String.valueOf(port));
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        // As for in-process test servers (test resources' config/application.yml, which this classpath
        // leaves out): the tests flood one admin key on purpose, far above the default rate limits.
        for (String limit : List.of("api", "inbound")) {
            p.putIfAbsent("switchboard." + limit + ".rate-limit.per-second", "100000");
            p.putIfAbsent("switchboard." + limit + ".rate-limit.burst", "100000");
        }
        command.addAll(List.of(TestDatabase.args(p)));
        String log = "target/" + name + ".log";
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File(log))
                .start();
        ServerProcess server = new ServerProcess(port, process);
        if (!awaitHealthy) return server;
        try {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                assertThat(process.isAlive())
                        .as("server process exited; see " + log)
                        .isTrue();
                return server.api.get("/actuator/health", null).status() == 200;
            });
        } catch (RuntimeException | AssertionError e) {
            // Not handed to the caller's try-with-resources: stop it here, or it outlives the test.
            server.kill();
            throw e;
        }
        return server;
    }

    /**
     * Starts a server that is expected to refuse to start: waits for its process to end and returns
     * its output (the test reads the reason there).
     */
    public static String refusedStart(String name, Map<String, String> properties, List<String> jvmOptions)
            throws Exception {
        ServerProcess server = start(name, properties, freePort(), jvmOptions, false);
        if (!server.process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
            server.kill();
            throw new AssertionError("the server did not refuse to start; see target/" + name + ".log");
        }
        return java.nio.file.Files.readString(java.nio.file.Path.of("target/" + name + ".log"));
    }

    /** The process id: a test that must find which node holds a socket looks in its /proc entry. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
