package dev.switchboard.analytics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** Tallies keyed by rollup row: tenant, bucket start, kind, subject and provider. */
final class Buckets {

    /** A rollup row's key; {@code provider} is '' when the facts name none. */
    record Key(String tenantId, Instant bucket, Kind kind, String subjectId, String provider) {}

    private final Map<Key, Tally> tallies = new HashMap<>();

    /** The minute tally a fact at {@code at} counts toward. */
    Tally minute(String tenantId, Kind kind, String subjectId, String provider, Instant at) {
        return at(new Key(
                tenantId, at.truncatedTo(ChronoUnit.MINUTES), kind, subjectId, provider == null ? "" : provider));
    }

    Tally at(Key key) {
        return tallies.computeIfAbsent(key, k -> new Tally());
    }

    Map<Key, Tally> rows() {
        return tallies;
    }
}
