package dev.switchboard.analytics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Latencies in milliseconds as a DDSketch: quantiles within 1 % of the true value, a few hundred bytes
 * per row, and mergeable, so the p95 of a week is the merge of its rows' sketches, not a raw scan.
 * The bin count is bounded: past it the lowest bins collapse, which only the lowest quantiles feel.
 */
final class LatencySketch {

    static final double RELATIVE_ACCURACY = 0.01;
    private static final int MAX_BINS = 2048;

    private final DDSketch sketch = DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);

    void add(double millis) {
        sketch.accept(Math.max(0, millis));
    }

    void merge(LatencySketch other) {
        if (other != null && !other.sketch.isEmpty()) sketch.mergeWith(other.sketch);
    }

    /** Merges a sketch stored by {@link #encode()}; null merges nothing. */
    void mergeEncoded(byte[] encoded) {
        if (encoded == null || encoded.length == 0) return;
        try {
            sketch.decodeAndMergeWith(ByteArrayInput.wrap(encoded));
        } catch (IOException e) {
            throw new UncheckedIOException("A stored latency sketch cannot be read", e);
        }
    }

    boolean isEmpty() {
        return sketch.isEmpty();
    }

    long count() {
        return (long) sketch.getCount();
    }

    /**
     * The value at quantile {@code q} (0..1) by nearest rank, or null when empty. DDSketch's own
     * quantile ranks at {@code q × (n − 1)}, which for a handful of values picks a lower one (of two
     * latencies, its p95 is the smaller, below the average); nearest rank picks the {@code ⌈q × n⌉}-th.
     */
    Double quantile(double q) {
        if (sketch.isEmpty()) return null;
        double n = sketch.getCount();
        if (n <= 1) return sketch.getValueAtQuantile(q);
        double rank = Math.max(0, Math.ceil(q * n) - 1);
        return sketch.getValueAtQuantile(Math.min(1.0, rank / (n - 1)));
    }

    /** The stored form; null when empty. */
    byte[] encode() {
        if (sketch.isEmpty()) return null;
        // DDSketch's own encoding (with its index mapping), which decodeAndMergeWith reads; serialize()
        // is the protobuf form, which it does not.
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.trimmedCopy();
    }
}
