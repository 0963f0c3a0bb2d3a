package dev.switchboard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's endpoint: it records every request
 * and answers what the test scripted, in order (then 200). Its URLs carry a prefix of their own:
 * a request for another prefix (a retry left over from an earlier test whose receiver had the same
 * port) is answered 410 Gone, which disables that stale endpoint, and is not recorded.
 */
public final class Receiver implements AutoCloseable {

    public record Request(String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().getFirst())
                    .orElse(null);
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One scripted answer; {@code hold} keeps the response back until released (a slow receiver). */
    public record Answer(int status, Map<String, String> headers, byte[] body, CountDownLatch hold) {
        public static Answer of(int status) {
            return new Answer(status, Map.of(), new byte[0], null);
        }

        public static Answer of(int status, Map<String, String> headers) {
            return new Answer(status, headers, new byte[0], null);
        }
    }

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Requests being answered now, and the most there ever were at once. */
    public final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    public final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private final String prefix = "/r" + java.util.UUID.randomUUID().toString().substring(0, 8);

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().startsWith(prefix)) {
                exchange.sendResponseHeaders(410, -1);
                exchange.close();
                return;
            }
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                answer(exchange);
            } finally {
                active.decrementAndGet();
            }
        });
        server.start();
    }

    private void answer(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        requests.add(new Request(
                exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()),
                exchange.getRequestBody().readAllBytes()));
        Answer a = script.poll();
        if (a == null) a = Answer.of(200);
        if (a.hold() != null) {
            try {
                a.hold().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        if (a.body().length > 0) exchange.getResponseBody().write(a.body());
        exchange.close();
    }

    public void then(Answer... answers) {
        script.addAll(List.of(answers));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
