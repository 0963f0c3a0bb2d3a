package dev.switchboard.outbound;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When to try a delivery again: a pure function of how many attempts were made, what the last one
 * got, the receiver's {@code Retry-After} and a random number (for jitter), so that every rule is
 * tested without a clock or a network.
 *
 * @param schedule the delay before each attempt; the first entry is the first attempt's (usually 0)
 * @param jitter the spread applied to each delay, e.g. 0.2 for ±20 %
 */
record RetryPolicy(List<Duration> schedule, double jitter) {

    /** At once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.6 h in all), each ±20 %. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(
            List.of(
                    Duration.ZERO,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(30),
                    Duration.ofHours(2),
                    Duration.ofHours(5),
                    Duration.ofHours(10),
                    Duration.ofHours(10)),
            0.2);

    /** A throttled or timed-out receiver is given at least this long. */
    static final Duration THROTTLE_FLOOR = Duration.ofSeconds(60);

    public RetryPolicy {
        schedule = List.copyOf(schedule);
        if (schedule.isEmpty()) throw new IllegalArgumentException("the retry schedule is empty");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
    }

    /** What an attempt got. */
    public enum Outcome {
        SUCCESS,
        /** 410: the receiver says the endpoint is gone; it is disabled, not retried. */
        GONE,
        /** 429. */
        THROTTLED,
        /** 502, 503, 504. */
        UNAVAILABLE,
        TIMEOUT,
        NETWORK_ERROR,
        /** 3xx: never followed, a failure like any other. */
        REDIRECT,
        /** Other 4xx: retried on the schedule, and counted toward disabling the endpoint. */
        CLIENT_ERROR,
        SERVER_ERROR;

        public static Outcome of(int status) {
            if (status >= 200 && status < 300) return SUCCESS;
            if (status == 410) return GONE;
            if (status == 429) return THROTTLED;
            if (status == 502 || status == 503 || status == 504) return UNAVAILABLE;
            if (status >= 300 && status < 400) return REDIRECT;
            if (status >= 400 && status < 500) return CLIENT_ERROR;
            return SERVER_ERROR;
        }
    }

    public int maxAttempts() {
        return schedule.size();
    }

    /**
     * @param attemptsMade attempts so far, including the one that got {@code outcome}
     * @param retryAfter the receiver's Retry-After, if it sent one
     * @param random a number in [0, 1) for the jitter
     * @return the delay before the next attempt, or empty: no more attempts (success, gone, or exhausted)
     */
    public Optional<Duration> next(int attemptsMade, Outcome outcome, Optional<Duration> retryAfter, double random) {
        if (outcome == Outcome.SUCCESS || outcome == Outcome.GONE) return Optional.empty();
        if (attemptsMade >= schedule.size()) return Optional.empty();
        Duration scheduled = schedule.get(attemptsMade);
        double factor = 1 + jitter * (2 * random - 1);
        Duration delay = Duration.ofMillis(Math.round(scheduled.toMillis() * factor));
        if (retryAfter.isPresent() && (outcome == Outcome.THROTTLED || outcome == Outcome.UNAVAILABLE)) {
            // Honour the receiver, but within 1x to 2x of our own schedule (one receiver asking for a day
            // must not stall its deliveries that long; asking for 0 s must not become a hammer).
            Duration asked = retryAfter.get();
            Duration max = scheduled.multipliedBy(2);
            delay = asked.compareTo(scheduled) < 0 ? scheduled : asked.compareTo(max) > 0 ? max : asked;
        }
        if ((outcome == Outcome.THROTTLED || outcome == Outcome.TIMEOUT) && delay.compareTo(THROTTLE_FLOOR) < 0) {
            delay = THROTTLE_FLOOR;
        }
        return Optional.of(delay);
    }
}
