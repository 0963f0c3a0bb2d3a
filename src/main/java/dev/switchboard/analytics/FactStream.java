package dev.switchboard.analytics;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One module's facts as the rollup job reads them: its own watermark, the kinds of rows it alone
 * writes, and the facts of a time range tallied into buckets.
 */
interface FactStream {

    /** The watermark's name; stable. */
    String name();

    Set<Kind> kinds();

    Optional<Instant> earliest();

    /** Tallies every fact with a time in [from, to) into {@code into}. */
    void collect(Instant from, Instant to, Buckets into);
}
