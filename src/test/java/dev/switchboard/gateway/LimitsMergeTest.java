package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connections.ConnectionAccess.Limits;
import org.junit.jupiter.api.Test;

/** A connection's override is merged window by window over its provider's catalog limits. */
class LimitsMergeTest {

    static final Limits CATALOG = new Limits(2, 100, null, 10_000, null, 4);

    @Test
    void anOverriddenWindowKeepsTheOthers() {
        assertThat(ProviderLimits.merge(CATALOG, new Limits(null, 50, null, null, null, null)))
                .isEqualTo(new Limits(2, 50, null, 10_000, null, 4));
        assertThat(ProviderLimits.merge(CATALOG, new Limits(null, null, 1_000, null, 300_000, null)))
                .isEqualTo(new Limits(2, 100, 1_000, 10_000, 300_000, 4));
    }

    @Test
    void zeroRemovesTheCatalogsWindow() {
        assertThat(ProviderLimits.merge(CATALOG, new Limits(null, null, null, 0, null, null)))
                .isEqualTo(new Limits(2, 100, null, null, null, 4));
        // Without its per-second window the catalog's burst (of that window) goes too.
        assertThat(ProviderLimits.merge(CATALOG, new Limits(0, null, null, null, null, null)))
                .isEqualTo(new Limits(null, 100, null, 10_000, null, null));
        assertThat(Pacer.of("con_x", ProviderLimits.merge(CATALOG, new Limits(0, 0, 0, 0, 0, null))))
                .isEmpty();
    }

    @Test
    void theBurstFollowsTheShortestWindow() {
        // A new per-second rate without a burst: that window's burst is its rate, not the catalog's.
        assertThat(ProviderLimits.merge(CATALOG, new Limits(10, null, null, null, null, null)))
                .isEqualTo(new Limits(10, 100, null, 10_000, null, null));
        // A burst alone changes the catalog's burst and keeps its rates.
        assertThat(ProviderLimits.merge(CATALOG, new Limits(null, null, null, null, null, 8)))
                .isEqualTo(new Limits(2, 100, null, 10_000, null, 8));
        // A shorter window than the catalog's shortest: the catalog's burst does not carry over.
        var noSecond = new Limits(null, 100, null, null, null, 20);
        assertThat(ProviderLimits.merge(noSecond, new Limits(5, null, null, null, null, null)))
                .isEqualTo(new Limits(5, 100, null, null, null, null));
    }
}
