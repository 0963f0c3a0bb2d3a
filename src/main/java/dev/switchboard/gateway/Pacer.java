package dev.switchboard.gateway;

import dev.switchboard.connections.ConnectionAccess.Limits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.VerboseResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One connection's limits as one Bucket4j bucket: a bandwidth per window that has a rate, refilled
 * greedily at that rate; the shortest window's capacity is the burst (default: its rate), the
 * others' their rate. Taking a token takes it from every window at once or from none, so a call
 * that must wait spends nothing. The limits are part of the key: changing them starts a fresh bucket.
 */
record Pacer(
        String key, List<Window> windows, List<Integer> limits, List<Long> capacities, BucketConfiguration config) {

    /** What one take said: granted or how long to wait, and the tokens left per window afterwards. */
    record Take(boolean granted, Duration delay, long[] available) {}

    /** The pacer for these limits, empty when they limit nothing. */
    static Optional<Pacer> of(String connectionId, Limits l) {
        List<Window> windows = new ArrayList<>();
        List<Integer> limits = new ArrayList<>();
        List<Long> capacities = new ArrayList<>();
        var config = BucketConfiguration.builder();
        StringBuilder key =
                new StringBuilder("switchboard:gateway:").append(connectionId).append(':');
        for (Window w : Window.values()) {
            Integer rate = w.rate(l);
            if (rate == null) continue;
            long capacity = windows.isEmpty() && l.burst() != null ? l.burst() : rate;
            Duration period = w.length;
            // A burst below the rate: the same rate as one token per period/rate.
            long refillTokens = capacity < rate ? 1 : rate;
            Duration refillPeriod = capacity < rate ? period.dividedBy(rate) : period;
            config.addLimit(Bandwidth.builder()
                    .capacity(capacity)
                    .refillGreedy(refillTokens, refillPeriod)
                    .id(w.wire())
                    .build());
            windows.add(w);
            limits.add(rate);
            capacities.add(capacity);
            key.append(w.wire().charAt(0))
                    .append(w == Window.MONTH ? "o" : "")
                    .append(rate)
                    .append('b')
                    .append(capacity);
        }
        if (windows.isEmpty()) return Optional.empty();
        return Optional.of(new Pacer(key.toString(), windows, limits, capacities, config.build()));
    }

    Take take(LimitBuckets buckets) {
        VerboseResult<io.github.bucket4j.ConsumptionProbe> r =
                buckets.bucket(key, config).asVerbose().tryConsumeAndReturnRemaining(1);
        long[] available =
                ordered(r.getConfiguration().getBandwidths(), r.getDiagnostics().getAvailableTokensPerEachBandwidth());
        if (r.getValue().isConsumed()) return new Take(true, Duration.ZERO, available);
        return new Take(
                false, Duration.ofNanos(Math.max(1_000_000L, r.getValue().getNanosToWaitForRefill())), available);
    }

    /** The tokens left per window, taking none. */
    long[] peek(LimitBuckets buckets) {
        var r = buckets.bucket(key, config).asVerbose().getAvailableTokens();
        return ordered(r.getConfiguration().getBandwidths(), r.getDiagnostics().getAvailableTokensPerEachBandwidth());
    }

    /** Gives back a token taken for a call that did not go after all. */
    void refund(LimitBuckets buckets) {
        buckets.bucket(key, config).addTokens(1);
    }

    /** Per-bandwidth figures in this pacer's window order, matched by id (the stored order is Bucket4j's). */
    private long[] ordered(Bandwidth[] bandwidths, long[] perBandwidth) {
        long[] out = new long[windows.size()];
        for (int i = 0; i < windows.size(); i++) {
            String id = windows.get(i).wire();
            for (int j = 0; j < bandwidths.length; j++) {
                if (id.equals(bandwidths[j].getId())) out[i] = perBandwidth[j];
            }
        }
        return out;
    }
}
