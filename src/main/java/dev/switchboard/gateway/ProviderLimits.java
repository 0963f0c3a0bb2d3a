package dev.switchboard.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Placeholder that grants every call; the catalog-driven, cluster-wide limiter replaces it. */
@Component
class ProviderLimits implements ProviderLimiter {

    @Override
    public Optional<Duration> tryAcquire(String tenantId, String connectionId, String provider) {
        return Optional.empty();
    }

    @Override
    public void observe(
            String tenantId, String connectionId, String provider, int status, Map<String, List<String>> headers) {}
}
