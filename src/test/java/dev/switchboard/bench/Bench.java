package dev.switchboard.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmarks (never part of the test suite): {@code jmh [JMH options]} or
 * {@code ingest-load [concurrency] [seconds]}
 * or {@code delivery-load [concurrency] [seconds] [messages]}. Run through the {@code bench} Maven profile; see
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
            default ->
                throw new IllegalArgumentException(
                        "unknown benchmark '" + which + "': use jmh, ingest-load or delivery-load");
        }
    }
}
