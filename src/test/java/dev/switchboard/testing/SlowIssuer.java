package dev.switchboard.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenID Connect issuer that answers its discovery document at once (unless told to trickle it
 * too) and every other call (token, JWKS, userinfo, authorization) by trickling: a 200, then one space every {@code every}, for as long
 * as the client listens or until it is closed. Each read sees a byte in time, so only a deadline on
 * the whole call ends it.
 */
public final class SlowIssuer implements AutoCloseable {

    private final HttpServer server;
    private final Duration every;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean slowDiscovery;

    public SlowIssuer(Duration every) throws IOException {
        this.every = every;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Whether the discovery document trickles too (it answers at once unless told). */
    public void slowDiscovery(boolean slow) {
        this.slowDiscovery = slow;
    }

    /** The issuer's URL: its discovery document is at {@code /.well-known/openid-configuration}. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!slowDiscovery && exchange.getRequestURI().getPath().equals("/.well-known/openid-configuration")) {
                String i = issuer();
                byte[] body = ("{\"issuer\":\"" + i + "\",\"authorization_endpoint\":\"" + i + "/authorize\","
                                + "\"token_endpoint\":\"" + i + "/token\",\"jwks_uri\":\"" + i + "/jwks\","
                                + "\"userinfo_endpoint\":\"" + i
                                + "/userinfo\",\"response_types_supported\":[\"code\"],"
                                + "\"subject_types_supported\":[\"public\"],"
                                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // The double's own pace: the trickle is what is under test, not a wait for time to pass.
            while (!closed.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                out.write(' ');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The client hung up: what a deadline is for.
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
