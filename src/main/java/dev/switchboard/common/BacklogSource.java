package dev.switchboard.common;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A module's queue of waiting work, as health and metrics report it. Each module that queues work
 * (inbound events, deliveries, outbox jobs) provides one as a bean; operations reads them all.
 */
public interface BacklogSource {

    /** {@code oldest} is the age of the longest-waiting item, or null when none waits. */
    record Backlog(String name, long waiting, Duration oldest) {}

    List<Backlog> backlog(Instant now);
}
