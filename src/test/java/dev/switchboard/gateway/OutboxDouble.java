package dev.switchboard.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A provider's API on 127.0.0.1 for the outbox tests: it records every request it receives (method,
 * path, query, headers, body) and answers what the test scripted, in order, then 200 with a JSON
 * body. An answer can drop the connection (a network error) or wait for a latch (a call in flight).
 */
final class OutboxDouble implements AutoCloseable {

    /** {@code remotePort}: the caller's end of the connection (which process sent it, for kill tests). */
    record Request(
            String method, String path, String query, Map<String, List<String>> headers, byte[] body, int remotePort) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().getFirst())
                    .orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Answer(int status, Map<String, String> headers, String body, CountDownLatch hold, boolean drop) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), "", null, false);
        }

        static Answer of(int status, Map<String, String> headers, String body) {
            return new Answer(status, headers, body, null, false);
        }

        static Answer dropped() {
            return new Answer(0, Map.of(), "", null, true);
        }

        static Answer held(CountDownLatch hold) {
            return new Answer(200, Map.of(), "{\"ok\":true}", hold, false);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Requests answered in full. */
    final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private volatile Duration latency = Duration.ZERO;

    OutboxDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    exchange.getRequestBody().readAllBytes(),
                    exchange.getRemoteAddress().getPort()));
            Answer a = script.poll();
            if (a == null) a = Answer.of(200, Map.of("Content-Type", "application/json"), "{\"ok\":true}");
            if (a.drop()) {
                // Closing the connection without an answer: the caller sees a network error.
                throw new IOException("dropped on purpose");
            }
            try {
                if (a.hold() != null) a.hold().await(60, TimeUnit.SECONDS);
                if (!latency.isZero()) Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
            exchange.close();
            answered.incrementAndGet();
        });
        server.start();
    }

    /** How long each answer takes (a provider that is not instant). */
    void latency(Duration latency) {
        this.latency = latency;
    }

    void then(Answer... answers) {
        script.addAll(List.of(answers));
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
