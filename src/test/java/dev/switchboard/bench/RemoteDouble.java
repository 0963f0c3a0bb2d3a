package dev.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A {@link DoubleProcess} started in its own process, and the means to reset and read it. */
public final class RemoteDouble implements AutoCloseable {

    /** Admitted and refused requests since the last reset, and the first and last admitted arrival (ns). */
    public record Stats(long requests, long rejected, long firstNanos, long lastNanos) {}

    private final Child child;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    public RemoteDouble() throws Exception {
        child = Child.start("double");
        port = Integer.parseInt(child.await("PORT", 60).strip());
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return child.pid();
    }

    /** Clears the counts and sets the double's own limit (rate 0: unlimited). */
    public void reset(double rate, double burst) throws Exception {
        http.send(
                HttpRequest.newBuilder(URI.create(url("/_reset?rate=" + rate + "&burst=" + burst)))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    public Stats stats() throws Exception {
        String[] f = http.send(
                        HttpRequest.newBuilder(URI.create(url("/_stats"))).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body()
                .split(" ");
        return new Stats(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
    }

    @Override
    public void close() {
        http.close();
        child.close();
    }
}
