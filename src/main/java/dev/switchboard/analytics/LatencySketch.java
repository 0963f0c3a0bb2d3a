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

    /** The value at quantile {@code q} (0..1), or null when empty. */
    Double quantile(double q) {
        return sketch.isEmpty() ? null : sketch.getValueAtQuantile(q);
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
