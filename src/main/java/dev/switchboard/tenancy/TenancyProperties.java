package dev.switchboard.tenancy;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param adminKey a platform-admin API key accepted on every node ({@code SWITCHBOARD_ADMIN_KEY}); at
 *     least 32 characters. Without it the embedded default generates one on first start and prints it once.
 */
@ConfigurationProperties("switchboard")
record TenancyProperties(String adminKey) {

    public TenancyProperties {
        if (adminKey != null && !adminKey.isEmpty() && adminKey.strip().length() < 32) {
            throw new IllegalArgumentException("SWITCHBOARD_ADMIN_KEY must be at least 32 characters long "
                    + "(e.g. the output of `openssl rand -base64 32`).");
        }
        if (adminKey != null && adminKey.isBlank()) adminKey = null;
    }

    @Override
    public String toString() {
        return "TenancyProperties[adminKey=" + (adminKey == null ? "unset" : "[redacted]") + "]";
    }
}
