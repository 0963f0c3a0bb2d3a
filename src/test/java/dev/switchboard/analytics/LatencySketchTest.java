package dev.switchboard.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sketches stored apart and merged give the p95 of all their values, within the sketch's accuracy. */
class LatencySketchTest {

    @Test
    void mergedStoredSketchesGiveTheP95OfTheWhole() {
        Random random = new Random(7);
        int[] all = new int[20_000];
        LatencySketch merged = new LatencySketch();
        for (int part = 0; part < 20; part++) {
            LatencySketch one = new LatencySketch();
            for (int i = 0; i < 1000; i++) {
                int v = random.nextInt(10) == 0 ? random.nextInt(60_000) : random.nextInt(300);
                all[part * 1000 + i] = v;
                one.add(v);
            }
            LatencySketch stored = new LatencySketch();
            stored.mergeEncoded(one.encode());
            merged.merge(stored);
        }
        Arrays.sort(all);
        double exact = all[(int) Math.floor(0.95 * (all.length - 1))];
        assertThat(merged.count()).isEqualTo(all.length);
        assertThat(merged.quantile(0.95)).isBetween(exact * 0.99, exact * 1.01);
        assertThat(new LatencySketch().encode()).isNull();
        assertThat(new LatencySketch().quantile(0.95)).isNull();
    }

    @Test
    void aFewValuesGiveTheNearestRankNotTheLowerOne() {
        LatencySketch two = new LatencySketch();
        two.add(4);
        two.add(535);
        // Of two latencies the p95 is the larger (nearest rank ⌈0.95 × 2⌉ = 2nd), never below the average.
        assertThat(two.quantile(0.95)).isBetween(535 * 0.99, 535 * 1.01);
        assertThat(two.quantile(0.5)).isBetween(4 * 0.99, 4 * 1.01);
        LatencySketch one = new LatencySketch();
        one.add(20);
        assertThat(one.quantile(0.95)).isBetween(20 * 0.99, 20 * 1.01);
    }
}
