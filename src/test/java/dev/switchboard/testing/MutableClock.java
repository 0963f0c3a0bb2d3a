package dev.switchboard.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Real time plus an offset that tests move forward: time passes without anyone sleeping. */
public final class MutableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;

    /** Back to real time: for tests whose peers (an official SDK) check timestamps against the real clock. */
    public void reset() {
        frozen = null;
        offset = Duration.ZERO;
    }

    /** Stops time where it is now (until {@link #reset()}): for tests of rates, where real time would refill. */
    public void freeze() {
        frozen = instant();
        offset = Duration.ZERO;
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
        Instant f = frozen;
        return (f != null ? f : Instant.now()).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
