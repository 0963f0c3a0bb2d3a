package dev.switchboard.bench;

import dev.switchboard.inbound.IngestLoad;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * A load generator in its own process: {@code concurrency seconds url [Header:value…] [bearer:<token>]} sends GETs,
 * {@code concurrency seconds url github:<secret>} posts GitHub-signed ~1 KB webhooks with a fresh
 * delivery id each. Apache HttpClient 5, one pooled connection per caller, 3 s warm-up (see
 * {@link IngestLoad#measure}). Prints {@code RESULT <rate/s> <p50 ms> <p99 ms> <errors> <count>};
 * a call counts when it answers 2xx.
 */
public final class HttpLoadProcess {

    private HttpLoadProcess() {}

    static void main(String[] args) throws Exception {
        int concurrency = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        String url = args[2];
        String githubSecret = null;
        List<String[]> headers = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            // Bench splits its arguments on spaces: a bearer token comes as bearer:<token>.
            if (args[i].startsWith("github:")) githubSecret = args[i].substring("github:".length());
            else if (args[i].startsWith("bearer:"))
                headers.add(new String[] {"Authorization", "Bearer " + args[i].substring(7)});
            else headers.add(args[i].split(":", 2));
        }
        String padding = "x".repeat(1000);
        String secret = githubSecret;
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(concurrency)
                .setMaxConnPerRoute(concurrency)
                .build();
        try (var http = HttpClients.custom().setConnectionManager(connections).build()) {
            IngestLoad.Op op;
            if (secret != null) {
                op = () -> {
                    String body = "{\"ref\":\"refs/heads/main\",\"pad\":\"" + padding + "\",\"n\":\""
                            + UUID.randomUUID() + "\"}";
                    var post = new HttpPost(url);
                    post.setHeader("X-GitHub-Event", "push");
                    post.setHeader("X-GitHub-Delivery", UUID.randomUUID().toString());
                    post.setHeader("X-Hub-Signature-256", "sha256=" + hmac(secret, body));
                    post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
                    return http.execute(post, r -> {
                        EntityUtils.consume(r.getEntity());
                        return r.getCode() / 100 == 2;
                    });
                };
            } else {
                op = () -> {
                    var get = new HttpGet(url);
                    for (String[] h : headers) get.setHeader(h[0], h[1]);
                    return http.execute(get, r -> {
                        EntityUtils.consume(r.getEntity());
                        return r.getCode() / 100 == 2;
                    });
                };
            }
            // MEASURING marks the end of the warm-up: the parent charges its own CPU from there to RESULT.
            IngestLoad.Result r = IngestLoad.measure(url.replaceAll("\\?.*", ""), concurrency, seconds, op, () -> {
                System.out.println("MEASURING " + concurrency);
                System.out.flush();
            });
            System.out.printf(
                    java.util.Locale.ROOT,
                    "RESULT %.1f %.3f %.3f %d %d%n",
                    r.rate(),
                    r.percentileMillis(0.5),
                    r.percentileMillis(0.99),
                    r.errors(),
                    r.ops());
        }
        System.exit(0);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A parsed RESULT line. */
    public record Result(double rate, double p50, double p99, long errors, long count) {
        public static Result parse(String line) {
            String[] f = line.strip().split(" ");
            return new Result(
                    Double.parseDouble(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]));
        }
    }

    /** Runs the generator in its own process and waits for its result. */
    public static Result run(int concurrency, int seconds, String url, String... extra) throws Exception {
        return runCharged(concurrency, seconds, url, () -> {}, extra).result();
    }

    /**
     * As {@link #run(int, int, String, String...)}, calling {@code onMeasured} when the measured part
     * begins (after the generator's warm-up, which also leaves out the child JVM's start: that can take
     * a minute on a busy machine).
     */
    public static Result run(int concurrency, int seconds, String url, Runnable onMeasured, String... extra)
            throws Exception {
        return runCharged(concurrency, seconds, url, onMeasured, extra).result();
    }

    /**
     * A result and the CPU this JVM (the server under test, when it runs in the benchmark's process)
     * spent during the measured window, which excludes the warm-up: from the generator's
     * {@code MEASURING} line to its {@code RESULT} line.
     */
    public record Charged(Result result, long cpuNanos, long wallNanos) {
        /** This JVM's CPU ms per call, less {@code idleCpuPerSecond} (ns of CPU per s) over the window. */
        public double cpuMsPerCall(double idleCpuPerSecond) {
            long calls = result.count() + result.errors();
            if (calls == 0) return Double.NaN;
            double busy = cpuNanos - idleCpuPerSecond * wallNanos / 1e9;
            return busy / calls / 1e6;
        }
    }

    /** As {@link #run}, and how much CPU this JVM used over the measured window. */
    public static Charged runCharged(int concurrency, int seconds, String url, String... extra) throws Exception {
        return runCharged(concurrency, seconds, url, () -> {}, extra);
    }

    private static Charged runCharged(int concurrency, int seconds, String url, Runnable onMeasured, String... extra)
            throws Exception {
        String[] args = new String[3 + extra.length];
        args[0] = String.valueOf(concurrency);
        args[1] = String.valueOf(seconds);
        args[2] = url;
        System.arraycopy(extra, 0, args, 3, extra.length);
        try (Child child = Child.start("http-load", args)) {
            // A JVM starting on a busy machine can take minutes to reach the end of its warm-up.
            child.await("MEASURING", 600L);
            onMeasured.run();
            long cpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            // On a machine at load 50 a 5 s measurement stretched past 70 s (starved threads finish late).
            Result r = Result.parse(child.await("RESULT", 10L * seconds + 300));
            return new Charged(r, processCpuNanos() - cpu0, System.nanoTime() - wall0);
        }
    }

    /** CPU time of this whole JVM (every thread, the GC's and the JIT's too), in ns. */
    public static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
}
