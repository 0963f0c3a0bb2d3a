package dev.switchboard.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmarks (never part of the test suite): {@code jmh [JMH options]} or
 * {@code ingest-load [concurrency] [seconds]}, {@code oauth-server [port]},
 * {@code provider-double [port] [Stripe requests per second]}, {@code page-render [iterations] [events] [endpoints]}
 * or {@code delivery-load [concurrency] [seconds] [messages]}; {@code limiter-accuracy}, {@code proxy-overhead},
 * {@code outbox-throughput} (gateway), {@code analytics} and {@code ops-overhead} (operations); {@code double}
 * and {@code http-load} are the parts those start in processes of their own. Run through the {@code bench} Maven profile; see
 * docs/BENCHMARKS.md.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "jmh" : args[0];
        String[] rest = Arrays.stream(args)
                .skip(1)
                .flatMap(a -> Arrays.stream(a.strip().split("\\s+")))
                .filter(a -> !a.isBlank())
                .toArray(String[]::new);
        switch (which) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest.length == 0 ? new String[] {"VerifyBenchmark"} : rest);
            case "ingest-load" -> dev.switchboard.inbound.IngestLoad.main(rest);
            case "delivery-load" -> dev.switchboard.outbound.DeliveryLoad.main(rest);
            case "limiter-accuracy", "proxy-overhead", "outbox-throughput" ->
                dev.switchboard.gateway.GatewayLoad.main(
                        java.util.stream.Stream.concat(java.util.stream.Stream.of(which), Arrays.stream(rest))
                                .toArray(String[]::new));
            case "analytics" -> dev.switchboard.analytics.AnalyticsLoad.main(rest);
            case "ops-overhead" -> OpsOverheadLoad.main(rest);
            case "double" -> DoubleProcess.main(rest);
            case "http-load" -> HttpLoadProcess.main(rest);
            case "oauth-server" -> oauthServer(rest.length > 0 ? Integer.parseInt(rest[0]) : 8081);
            case "page-render" -> dev.switchboard.ui.RenderBench.main(rest);
            case "provider-double" ->
                providerDouble(
                        rest.length > 0 ? Integer.parseInt(rest[0]) : 12111,
                        rest.length > 1 ? Integer.parseInt(rest[1]) : 25);
            default ->
                throw new IllegalArgumentException(
                        "unknown benchmark '" + which + "': see docs/BENCHMARKS.md for the names");
        }
    }

    /**
     * A local OAuth 2.0 server (mock-oauth2-server, the one the tests use) for trying OAuth
     * connections by hand, as the README shows. It logs any user in at once and runs until stopped.
     */
    static void oauthServer(int port) throws InterruptedException {
        var server = new no.nav.security.mock.oauth2.MockOAuth2Server();
        server.start(java.net.InetAddress.getLoopbackAddress(), port);
        System.out.println("Local OAuth server running (Ctrl-C stops it):");
        System.out.println("  authorizationUrl " + server.authorizationEndpointUrl("default"));
        System.out.println("  tokenUrl         " + server.tokenEndpointUrl("default"));
        Thread.currentThread().join();
    }

    /**
     * Local stand-ins for Stripe's API (at Stripe's test-mode limit), a Slack incoming webhook and a
     * customer's webhook receiver, for the README's walk-throughs. Prints what arrives; runs until stopped.
     */
    static void providerDouble(int port, int perSecond) throws Exception {
        var providers = new dev.switchboard.testing.LocalProviders(port, perSecond, System.out);
        String base = "http://127.0.0.1:" + providers.port();
        System.out.println("Local providers running (Ctrl-C stops it):");
        System.out.println("  Stripe API     " + base + "/v1/…  (keys sk_test_…, " + perSecond + " requests/s)");
        System.out.println("  Slack webhook  " + base + "/services/…");
        System.out.println("  webhooks       " + base + "/hooks/… answers 200, /gone/… 410 Gone, /fail/… 500");
        System.out.println("  what arrived   " + base + "/_stats");
        Thread.currentThread().join();
    }
}
