package dev.switchboard.vault;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param keyset the Tink keyset, as JSON or as the path of a file holding it ({@code SWITCHBOARD_KEYSET}).
 *     No default: the embedded database generates one beside its data, PostgreSQL refuses to start.
 */
@ConfigurationProperties("switchboard")
record VaultProperties(String keyset) {

    @Override
    public String toString() {
        return "VaultProperties[keyset=" + (keyset == null ? "unset" : "[redacted]") + "]";
    }
}
