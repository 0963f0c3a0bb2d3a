package dev.switchboard.common;

/**
 * A 429 {@code rate_limited} answer with the {@code Retry-After} (whole seconds, at least 1) to send
 * with it; or another "come back later" answer (a 503 when a queue is full) with its own code.
 */
public class RateLimitedException extends ApiException {

    private final long retryAfterSeconds;

    public RateLimitedException(String detail, long retryAfterSeconds) {
        this(ErrorCode.RATE_LIMITED, detail, retryAfterSeconds);
    }

    public RateLimitedException(ErrorCode code, String detail, long retryAfterSeconds) {
        super(code, detail);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
