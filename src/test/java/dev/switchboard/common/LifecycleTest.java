package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** Servers of their own: shutting one down, and one logging JSON lines. */
class LifecycleTest {

    @Test
    void shutdownFinishesARequestThatIsStillArriving() throws Exception {
        Map<String, Object> p = new HashMap<>(TestDatabase.h2());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        ConfigurableApplicationContext server =
                new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
        int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));

        // The body arrives in two halves; shutdown starts between them.
        CountDownLatch firstHalfSent = new CountDownLatch(1);
        CountDownLatch sendRest = new CountDownLatch(1);
        byte[] body = "{\"id\":\"late-arrival\",\"name\":\"Sent while stopping\"}".getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher slow = new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return body.length;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    int step;

                    @Override
                    public void request(long n) {
                        CompletableFuture.runAsync(() -> {
                            try {
                                if (step == 0) {
                                    step++;
                                    subscriber.onNext(ByteBuffer.wrap(body, 0, 10));
                                    firstHalfSent.countDown();
                                } else if (step == 1) {
                                    step++;
                                    sendRest.await();
                                    subscriber.onNext(ByteBuffer.wrap(body, 10, body.length - 10));
                                    subscriber.onComplete();
                                }
                            } catch (InterruptedException e) {
                                subscriber.onError(e);
                            }
                        });
                    }

                    @Override
                    public void cancel() {}
                });
            }
        };
        var response = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
                                .header("Authorization", "Bearer " + TestKeys.ADMIN_KEY)
                                .header("Content-Type", "application/json")
                                .POST(slow)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(firstHalfSent.await(10, TimeUnit.SECONDS)).isTrue();
        // Shutdown covers requests the server has started; wait until it counts this one as active.
        var registry = server.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> {
                    var active = registry.find("http.server.requests.active").longTaskTimer();
                    return active != null && active.activeTasks() > 0;
                });
        var closing = CompletableFuture.runAsync(server::close);
        sendRest.countDown();
        assertThat(response.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        closing.get(30, TimeUnit.SECONDS);
        assertThat(server.isActive()).isFalse();
    }

    @Test
    void logsJsonLinesWhenAsked() throws Exception {
        Map<String, Object> p = new HashMap<>(TestDatabase.h2());
        p.put("server.port", "0");
        p.put("switchboard.admin-key", TestKeys.ADMIN_KEY);
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                // Without test-classes: the production logging setup, not the tests' logback-test.xml.
                java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(e -> !e.endsWith("test-classes"))
                        .collect(java.util.stream.Collectors.joining(File.pathSeparator)),
                Switchboard.class.getName()));
        command.addAll(List.of(TestDatabase.args(p)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SWITCHBOARD_LOG_FORMAT", "logstash");
        pb.directory(new File("."));
        Process process = pb.start();
        List<String> lines = new ArrayList<>();
        try (var reader = process.inputReader()) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.contains("Started Switchboard")) break;
            }
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        List<String> logLines = lines.stream().filter(l -> l.startsWith("{")).toList();
        assertThat(logLines).isNotEmpty().anyMatch(l -> l.contains("Started Switchboard"));
        JsonMapper json = JsonMapper.builder().build();
        for (String l : logLines)
            assertThat(json.readTree(l).has("@timestamp")).as(l).isTrue();
    }
}
