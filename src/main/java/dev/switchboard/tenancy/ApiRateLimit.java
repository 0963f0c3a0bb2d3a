package dev.switchboard.tenancy;

import dev.switchboard.common.KeyedRateLimiter;
import dev.switchboard.common.ProblemWriter;
import dev.switchboard.common.RateLimitedException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A rate limit on the management API per API key, after authentication (so the key is known and an
 * unauthenticated flood costs no bucket): over it, {@code 429 rate_limited} with {@code Retry-After}.
 * The buckets live in each node's memory, so N nodes behind a balancer admit up to N times the rate;
 * the default is generous, meant to stop a runaway script, not to meter normal use.
 */
@Component
class ApiRateLimit extends OncePerRequestFilter {

    /**
     * @param perSecond requests per second per API key on each node ({@code SWITCHBOARD_API_RATE_LIMIT}); 0 turns it off
     * @param burst requests a key may send at once above the rate ({@code SWITCHBOARD_API_RATE_BURST})
     */
    @ConfigurationProperties("switchboard.api.rate-limit")
    record Properties(
            @DefaultValue("100") double perSecond,
            @DefaultValue("200") int burst) {
        Properties {
            if (perSecond < 0 || burst < 1) {
                throw new IllegalArgumentException(
                        "switchboard.api.rate-limit needs per-second >= 0 and burst >= 1, not " + perSecond + " and "
                                + burst);
            }
        }
    }

    private final KeyedRateLimiter limiter;
    private final ProblemWriter problems;

    ApiRateLimit(Properties properties, Clock clock, ProblemWriter problems) {
        this.limiter = new KeyedRateLimiter(properties.perSecond(), properties.burst(), clock);
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !limiter.enabled() || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Caller caller) {
            long wait = limiter.acquire(caller.keyId());
            if (wait > 0) {
                problems.write(
                        request,
                        response,
                        new RateLimitedException(
                                "This API key sent more than its rate of requests; retry after " + wait + " s.", wait));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
