package dev.switchboard.testing;

/**
 * A provider's own rate limit, as the local provider doubles enforce it: a bucket of {@code
 * capacity} tokens refilled at {@code perSecond} on the double's own (real) clock, full at the
 * start. Independent of Switchboard's buckets, so a double that refuses nothing proves that no call
 * came early.
 */
public final class TokenBucket {

    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long last;

    public TokenBucket(double capacity, double perSecond) {
        if (capacity < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " and rate " + perSecond + " must be positive");
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    /** Takes a token if there is one; false means the request is over the limit. */
    public synchronized boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
