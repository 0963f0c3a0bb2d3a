package dev.switchboard.ui;

import dev.switchboard.common.KeyedRateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;

/**
 * The limit on failed sign-ins: per client address (guessing from one place), and per key id, the
 * {@code sb_<id>} part of a key (guessing one key's secret from many places). Only failures take a
 * token; while either bucket is empty the sign-in answers 429 before checking the key, so a guess
 * costs nothing to refuse. Per node, like the API's rate limit.
 */
final class SignInLimits {

    private final KeyedRateLimiter perAddress;
    private final KeyedRateLimiter perKey;

    SignInLimits(UiProperties.SignIn settings, Clock clock) {
        this.perAddress = new KeyedRateLimiter(settings.failuresPerMinute() / 60.0, settings.failuresBurst(), clock);
        this.perKey = new KeyedRateLimiter(settings.keyFailuresPerMinute() / 60.0, settings.keyFailuresBurst(), clock);
    }

    /** 0 when a sign-in may be tried now, else the seconds to wait. */
    long waitSeconds(HttpServletRequest request, String key) {
        long address = perAddress.waitSeconds(request.getRemoteAddr());
        String id = keyId(key);
        return Math.max(address, id == null ? 0 : perKey.waitSeconds(id));
    }

    void failed(HttpServletRequest request, String key) {
        perAddress.acquire(request.getRemoteAddr());
        String id = keyId(key);
        if (id != null) perKey.acquire(id);
    }

    /** The key's id part ({@code sb_<id>} of {@code sb_<id>_<secret>}), or null when it has none. */
    static String keyId(String key) {
        if (key == null) return null;
        String k = key.strip();
        int secret = k.indexOf('_', 3);
        if (!k.startsWith("sb_") || secret < 4 || secret > 64) return null;
        return k.substring(0, secret);
    }
}
