package dev.switchboard.common;

import java.time.Instant;
import java.util.List;

/**
 * One kind of entry in a tenant's activity feed (inbound events, delivery attempts; provider calls,
 * alerts and audit entries plug in the same way). Each module that records such things provides one
 * as a bean; the feed merges them newest first by (time, id).
 */
public interface ActivitySource {

    /**
     * One entry. {@code id} is unique across sources (ids are prefixed by kind); {@code subjectId} is
     * what it concerns (a source, an endpoint, a connection); {@code status} is the source's own
     * outcome word (processed, failed, succeeded…). No payloads, no personal data.
     */
    record Entry(String type, String id, Instant at, String subjectId, String status, String summary) {}

    /** The feed's type filter value for this source, e.g. {@code inbound}. */
    String type();

    /**
     * A tenant's newest entries strictly before {@code (beforeAt, beforeId)} (both null for the
     * newest) and not before {@code since} (null for any), newest first, at most {@code limit}.
     */
    List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit);
}
