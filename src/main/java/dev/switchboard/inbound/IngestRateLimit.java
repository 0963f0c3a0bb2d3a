package dev.switchboard.inbound;

import dev.switchboard.common.KeyedRateLimiter;
import dev.switchboard.common.RateLimitedException;
import java.time.Clock;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * A rate limit on ingest per source, checked before the body is read: a flood to one source cannot
 * fill the database or starve the others. Over it, the sender gets {@code 429} with {@code
 * Retry-After}; every provider retries a 429. Per node, in memory: one map lookup and a lock-free
 * bucket on the hot path.
 */
@Component
class IngestRateLimit {

    /**
     * @param perSecond webhooks per second per source on each node ({@code SWITCHBOARD_INBOUND_RATE_LIMIT}); 0 turns it off
     * @param burst webhooks a source may receive at once above the rate ({@code SWITCHBOARD_INBOUND_RATE_BURST})
     */
    @ConfigurationProperties("switchboard.inbound.rate-limit")
    record Properties(
            @DefaultValue("200") double perSecond,
            @DefaultValue("1000") int burst) {
        Properties {
            if (perSecond < 0 || burst < 1) {
                throw new IllegalArgumentException(
                        "switchboard.inbound.rate-limit needs per-second >= 0 and burst >= 1, not " + perSecond
                                + " and " + burst);
            }
        }
    }

    private final KeyedRateLimiter limiter;

    IngestRateLimit(Properties properties, Clock clock) {
        this.limiter = new KeyedRateLimiter(properties.perSecond(), properties.burst(), clock);
    }

    /** Takes one webhook's token for the source, or throws 429 with the seconds to wait. */
    void acquire(String sourceId) {
        long wait = limiter.acquire(sourceId);
        if (wait > 0) {
            throw new RateLimitedException(
                    "This source receives more webhooks than its rate; retry after " + wait + " s.", wait);
        }
    }
}
