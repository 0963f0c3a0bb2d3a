package dev.switchboard.tenancy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminKey a platform-admin API key accepted on every node ({@code SWITCHBOARD_ADMIN_KEY}); at
 *     least 32 characters. Without it the embedded default generates one on first start and prints it once.
 * @param apiKeyCacheTtl how long a node keeps an API key it read ({@code SWITCHBOARD_API_KEY_CACHE_TTL}, 5 s;
 *     0 reads the database on every request): a key revoked or a tenant disabled on another node still
 *     works here for at most this long (on the node that did it, at once). See {@link VerifiedKeys}.
 */
@ConfigurationProperties("switchboard")
record TenancyProperties(
        String adminKey, @DefaultValue("5s") Duration apiKeyCacheTtl) {

    public TenancyProperties {
        if (apiKeyCacheTtl == null
                || apiKeyCacheTtl.isNegative()
                || apiKeyCacheTtl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException(
                    "switchboard.api-key-cache-ttl must be between 0 and 1m, not " + apiKeyCacheTtl);
        }
        if (adminKey != null && !adminKey.isEmpty() && adminKey.strip().length() < 32) {
            throw new IllegalArgumentException("SWITCHBOARD_ADMIN_KEY must be at least 32 characters long "
                    + "(e.g. the output of `openssl rand -base64 32`).");
        }
        if (adminKey != null && adminKey.isBlank()) adminKey = null;
    }

    @Override
    public String toString() {
        return "TenancyProperties[adminKey=" + (adminKey == null ? "unset" : "[redacted]") + ", apiKeyCacheTtl="
                + apiKeyCacheTtl + "]";
    }
}
