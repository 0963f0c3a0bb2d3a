package dev.switchboard.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stand-ins on 127.0.0.1 for the outside world of the README's walk-throughs, one server for all:
 *
 * <ul>
 *   <li>{@code /v1/…}: the few bits of Stripe's API the walk-through uses. A key that does not start
 *       with {@code sk_test_} is a 401; {@code GET /v1/balance}, {@code POST /v1/customers} (form
 *       body), {@code GET /v1/customers/{id}}; a POST's {@code Idempotency-Key} replays the first
 *       answer. Stripe's limit is enforced ({@link TokenBucket}): past it, 429 with {@code Retry-After}.
 *   <li>{@code POST /services/…}: a Slack incoming webhook; keeps and prints each message's {@code text}.
 *   <li>{@code POST /hooks/…}: a customer's webhook receiver that works (200); {@code POST /gone/…}
 *       one that has moved away (410 Gone); {@code POST /fail/…} one that is down (500).
 *   <li>{@code GET /_stats}: what arrived: Stripe requests received and refused with 429, the Slack
 *       messages, the webhooks delivered and refused.
 * </ul>
 *
 * <p>{@code ./mvnw -Pbench test-compile exec:exec -Dbench=provider-double} runs it on port 12111
 * (stripe-mock's) at Stripe's test-mode limit, 25 requests a second.
 */
public final class LocalProviders implements AutoCloseable {

    /**
     * How much earlier than the rate allows a request may arrive: the jitter between Switchboard
     * granting a call and the call arriving here (a new connection is slower than a pooled one, a
     * loaded machine slower still). The bucket holds this much more than one second's worth; it
     * admits no higher sustained rate, so 100 calls sent at once still draw dozens of 429s.
     */
    static final double JITTER_GRACE_SECONDS = 0.5;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final AtomicInteger apiReceived = new AtomicInteger();
    public final AtomicInteger apiRateLimited = new AtomicInteger();
    public final List<String> slack = new CopyOnWriteArrayList<>();
    public final AtomicInteger hooksDelivered = new AtomicInteger();
    public final AtomicInteger hooksGone = new AtomicInteger();
    public final AtomicInteger hooksFailed = new AtomicInteger();

    private final HttpServer server;
    private final TokenBucket limit;
    private final int perSecond;
    private final PrintStream out;
    private final Map<String, Map<String, Object>> customers = new ConcurrentHashMap<>();
    private final Map<String, byte[]> idempotent = new ConcurrentHashMap<>();

    /**
     * Starts on {@code port} (0: any free one); {@code perSecond} is Stripe's limit to enforce, and
     * {@code out} where to print what arrives (null: nowhere).
     */
    public LocalProviders(int port, int perSecond, PrintStream out) throws IOException {
        this.perSecond = perSecond;
        this.limit = new TokenBucket(perSecond + Math.max(3, Math.ceil(perSecond * JITTER_GRACE_SECONDS)), perSecond);
        this.out = out;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                route(exchange);
            } catch (RuntimeException e) {
                send(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.startsWith("/v1/")) stripe(exchange, method, path);
        else if (method.equals("POST") && path.startsWith("/services/")) slack(exchange);
        else if (method.equals("POST") && path.startsWith("/hooks/")) {
            exchange.getRequestBody().readAllBytes();
            print("webhook " + path + " → 200");
            hooksDelivered.incrementAndGet();
            send(exchange, 200, Map.of("ok", true));
        } else if (method.equals("POST") && path.startsWith("/gone/")) {
            exchange.getRequestBody().readAllBytes();
            print("webhook " + path + " → 410 Gone");
            hooksGone.incrementAndGet();
            send(exchange, 410, Map.of("error", "gone"));
        } else if (method.equals("POST") && path.startsWith("/fail/")) {
            exchange.getRequestBody().readAllBytes();
            print("webhook " + path + " → 500");
            hooksFailed.incrementAndGet();
            send(exchange, 500, Map.of("error", "down"));
        } else if (method.equals("GET") && path.equals("/_stats")) send(exchange, 200, stats());
        else if (path.startsWith("/resend/")) resend(exchange, method, path);
        else send(exchange, 404, Map.of("error", "not found"));
    }

    /** E-mails sent to the Resend stand-in, as received (JSON bodies). */
    public final List<String> emails = new CopyOnWriteArrayList<>();

    /**
     * {@code /resend/…}: the bits of Resend's API the consent walk-through uses: {@code GET
     * /resend/domains} (its health check), {@code POST /resend/emails} (kept, with the unsubscribe
     * header printed), and {@code GET /resend/emails/last}, the last e-mail as received.
     */
    private void resend(HttpExchange exchange, String method, String path) throws IOException {
        if (method.equals("GET") && path.equals("/resend/domains")) {
            send(exchange, 200, Map.of("data", List.of()));
        } else if (method.equals("POST") && path.equals("/resend/emails")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            emails.add(body);
            var headers = JSON.readTree(body).path("headers");
            print("resend POST /emails List-Unsubscribe: "
                    + headers.path("List-Unsubscribe").asString("(none)"));
            send(exchange, 200, Map.of("id", "em_" + emails.size()));
        } else if (method.equals("GET") && path.equals("/resend/emails/last") && !emails.isEmpty()) {
            sendBytes(exchange, 200, emails.getLast().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            send(exchange, 404, Map.of("error", "not found"));
        }
    }

    /** What arrived so far. */
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        Map<String, Object> stripe = new LinkedHashMap<>();
        stripe.put("received", apiReceived.get());
        stripe.put("rateLimited", apiRateLimited.get());
        stripe.put("limitPerSecond", perSecond);
        Map<String, Object> webhooks = new LinkedHashMap<>();
        webhooks.put("delivered", hooksDelivered.get());
        webhooks.put("gone", hooksGone.get());
        webhooks.put("failed", hooksFailed.get());
        stats.put("stripe", stripe);
        stats.put("slack", List.copyOf(slack));
        stats.put("webhooks", webhooks);
        return stats;
    }

    private void stripe(HttpExchange exchange, String method, String path) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        apiReceived.incrementAndGet();
        if (!limit.tryTake()) {
            apiRateLimited.incrementAndGet();
            print("stripe " + method + " " + path + " → 429 (over " + perSecond + "/s)");
            exchange.getResponseHeaders().add("Retry-After", "1");
            send(exchange, 429, error("rate_limit_error", "Too many requests hit the API too quickly."));
            return;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer sk_test_")) {
            send(exchange, 401, error("invalid_request_error", "Invalid API Key provided."));
            return;
        }
        String replayKey = null;
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (method.equals("POST") && idempotencyKey != null) {
            replayKey = auth + "\n" + idempotencyKey;
            byte[] first = idempotent.get(replayKey);
            if (first != null) {
                exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
                sendBytes(exchange, 200, first);
                return;
            }
        }
        if (method.equals("GET") && path.equals("/v1/balance")) {
            send(
                    exchange,
                    200,
                    Map.of(
                            "object",
                            "balance",
                            "livemode",
                            false,
                            "available",
                            List.of(Map.of("amount", 0, "currency", "usd"))));
        } else if (method.equals("POST") && path.equals("/v1/customers")) {
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put(
                    "id", "cus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 14));
            customer.put("object", "customer");
            customer.put("created", Instant.now().getEpochSecond());
            customer.put("livemode", false);
            form(new String(body, StandardCharsets.UTF_8)).forEach(customer::putIfAbsent);
            customers.put((String) customer.get("id"), customer);
            byte[] answer = JSON.writeValueAsBytes(customer);
            if (replayKey != null) idempotent.put(replayKey, answer);
            print("stripe POST /v1/customers → 200 " + customer.get("id"));
            sendBytes(exchange, 200, answer);
        } else if (method.equals("GET") && path.startsWith("/v1/customers/")) {
            String id = path.substring("/v1/customers/".length());
            Map<String, Object> customer = customers.get(id);
            print("stripe GET " + path + " → " + (customer == null ? 404 : 200));
            if (customer == null) send(exchange, 404, error("invalid_request_error", "No such customer: '" + id + "'"));
            else send(exchange, 200, customer);
        } else {
            send(
                    exchange,
                    404,
                    error("invalid_request_error", "Unrecognized request URL (" + method + ": " + path + ")."));
        }
    }

    private void slack(HttpExchange exchange) throws IOException {
        JsonNode message = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String text = message.has("text") ? message.get("text").asString() : message.toString();
        slack.add(text);
        print("slack " + exchange.getRequestURI().getPath() + ": " + text);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        sendBytes(exchange, 200, "ok".getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> form(String body) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(name, value);
        }
        return fields;
    }

    private static Map<String, Object> error(String type, String message) {
        return Map.of("error", Map.of("type", type, "message", message));
    }

    private void print(String line) {
        if (out != null) out.println(line);
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        sendBytes(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
