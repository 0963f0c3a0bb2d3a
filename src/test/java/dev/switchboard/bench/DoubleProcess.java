package dev.switchboard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A provider's API (or a webhook receiver) in its own process, on loopback: answers every request
 * 200 with a small JSON body; with a limit set it enforces a token bucket on its own clock and
 * answers 429 with {@code Retry-After: 1} past it. It counts what it received and, for the limiter
 * benchmark, the first and last arrival of an admitted request. Control: {@code POST
 * /_reset?rate=&burst=} (counts cleared, limit set; rate 0 = unlimited), {@code GET /_stats} →
 * {@code requests rejected firstNanos lastNanos}. Prints {@code PORT <port>} once listening.
 */
final class DoubleProcess {

    private long requests;
    private long rejected;
    private long first;
    private long last;
    private double perSecond;
    private double capacity;
    private double tokens;
    private long refilled;

    private DoubleProcess() {}

    static void main(String[] args) throws IOException {
        DoubleProcess d = new DoubleProcess();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", d::answer);
        server.createContext("/_stats", d::stats);
        server.createContext("/_reset", d::reset);
        server.start();
        System.out.println("PORT " + server.getAddress().getPort());
        System.out.flush();
    }

    private synchronized boolean admit(long now) {
        requests++;
        if (perSecond > 0) {
            tokens = Math.min(capacity, tokens + (now - refilled) / 1e9 * perSecond);
            refilled = now;
            if (tokens < 1) {
                rejected++;
                return false;
            }
            tokens -= 1;
        }
        if (first == 0) first = now;
        last = now;
        return true;
    }

    private void answer(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        exchange.getRequestBody().readAllBytes();
        if (!admit(now)) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.sendResponseHeaders(429, -1);
            exchange.close();
            return;
        }
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void stats(HttpExchange exchange) throws IOException {
        String s;
        synchronized (this) {
            s = requests + " " + rejected + " " + first + " " + last;
        }
        byte[] body = s.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void reset(HttpExchange exchange) throws IOException {
        Map<String, String> q = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        synchronized (this) {
            requests = 0;
            rejected = 0;
            first = 0;
            last = 0;
            perSecond = Double.parseDouble(q.getOrDefault("rate", "0"));
            capacity = Double.parseDouble(q.getOrDefault("burst", "1"));
            tokens = capacity;
            refilled = System.nanoTime();
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }
}
