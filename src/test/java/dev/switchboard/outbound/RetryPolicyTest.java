package dev.switchboard.outbound;

import static dev.switchboard.outbound.RetryPolicy.Outcome.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    static final RetryPolicy P = RetryPolicy.DEFAULT;
    static final double MID = 0.5; // no jitter

    @Test
    void followsTheScheduleThenDeadLetters() {
        assertThat(P.next(1, SERVER_ERROR, Optional.empty(), MID)).contains(Duration.ofSeconds(5));
        assertThat(P.next(2, SERVER_ERROR, Optional.empty(), MID)).contains(Duration.ofMinutes(5));
        assertThat(P.next(7, SERVER_ERROR, Optional.empty(), MID)).contains(Duration.ofHours(10));
        assertThat(P.next(8, SERVER_ERROR, Optional.empty(), MID)).isEmpty();
        assertThat(P.maxAttempts()).isEqualTo(8);
        Duration total = P.schedule().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(total.toMinutes()).isEqualTo(27 * 60 + 35); // about 27.6 h, as Svix
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        assertThat(P.next(2, SERVER_ERROR, Optional.empty(), 0.0)).contains(Duration.ofMinutes(4));
        assertThat(P.next(2, SERVER_ERROR, Optional.empty(), 0.999999).orElseThrow())
                .isBetween(Duration.ofSeconds(359), Duration.ofMinutes(6));
    }

    @Test
    void successAndGoneStop() {
        assertThat(P.next(1, SUCCESS, Optional.empty(), MID)).isEmpty();
        assertThat(P.next(1, GONE, Optional.empty(), MID)).isEmpty();
    }

    @Test
    void retryAfterIsHonouredWithinOneToTwoTimesTheSchedule() {
        // Scheduled 30 min after the third attempt.
        assertThat(P.next(3, UNAVAILABLE, Optional.of(Duration.ofMinutes(45)), MID))
                .contains(Duration.ofMinutes(45));
        assertThat(P.next(3, UNAVAILABLE, Optional.of(Duration.ofDays(3)), MID)).contains(Duration.ofHours(1));
        assertThat(P.next(3, UNAVAILABLE, Optional.of(Duration.ZERO), MID)).contains(Duration.ofMinutes(30));
        // Retry-After is only a throttling signal: a 500 carrying one keeps the schedule.
        assertThat(P.next(3, SERVER_ERROR, Optional.of(Duration.ofDays(3)), MID))
                .contains(Duration.ofMinutes(30));
    }

    @Test
    void throttlingAndTimeoutsWaitAtLeastAMinute() {
        assertThat(P.next(1, THROTTLED, Optional.empty(), MID)).contains(Duration.ofSeconds(60));
        assertThat(P.next(1, THROTTLED, Optional.of(Duration.ofSeconds(1)), MID))
                .contains(Duration.ofSeconds(60));
        assertThat(P.next(1, TIMEOUT, Optional.empty(), MID)).contains(Duration.ofSeconds(60));
        assertThat(P.next(3, THROTTLED, Optional.empty(), MID)).contains(Duration.ofMinutes(30));
    }

    @Test
    void classifiesStatuses() {
        assertThat(RetryPolicy.Outcome.of(204)).isEqualTo(SUCCESS);
        assertThat(RetryPolicy.Outcome.of(302)).isEqualTo(REDIRECT);
        assertThat(RetryPolicy.Outcome.of(403)).isEqualTo(CLIENT_ERROR);
        assertThat(RetryPolicy.Outcome.of(410)).isEqualTo(GONE);
        assertThat(RetryPolicy.Outcome.of(429)).isEqualTo(THROTTLED);
        assertThat(RetryPolicy.Outcome.of(503)).isEqualTo(UNAVAILABLE);
        assertThat(RetryPolicy.Outcome.of(500)).isEqualTo(SERVER_ERROR);
    }
}
