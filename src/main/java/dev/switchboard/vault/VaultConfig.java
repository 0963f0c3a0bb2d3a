package dev.switchboard.vault;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import dev.switchboard.common.ApiProperties;
import dev.switchboard.common.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class VaultConfig {

    private static final Logger log = LoggerFactory.getLogger(VaultConfig.class);
    static final String GENERATED_FILE = "keyset.json";

    @Bean
    Vault vault(VaultProperties properties, ApiProperties api, Dialect dialect) throws GeneralSecurityException {
        AeadConfig.register();
        KeysetHandle keyset = loadKeyset(properties.keyset(), api.dataDir(), dialect);
        return new Vault(keyset);
    }

    /**
     * SWITCHBOARD_KEYSET as inline JSON or a file path. Without it the embedded default generates a
     * keyset in the data folder (and says so loudly); PostgreSQL, a production setup, refuses to
     * start rather than silently storing secrets under a key nobody backed up.
     */
    static KeysetHandle loadKeyset(String configured, Path dataDir, Dialect dialect) {
        if (configured != null && !configured.isBlank()) return parseConfigured(configured.strip());
        if (!dialect.embedded()) {
            throw new IllegalStateException(
                    "SWITCHBOARD_KEYSET is not set. On PostgreSQL Switchboard will not start without an "
                            + "encryption keyset, because every stored secret depends on it. Generate one "
                            + "(see README, 'Encryption keys') and set SWITCHBOARD_KEYSET to its JSON or its path.");
        }
        Path file = dataDir.resolve(GENERATED_FILE);
        try {
            if (Files.exists(file)) {
                return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
            }
            KeysetHandle generated = Keysets.generate();
            writePrivately(file, TinkJsonProtoKeysetFormat.serializeKeyset(generated, InsecureSecretKeyAccess.get()));
            log.warn("""

                    ************************************************************************
                    Generated a new encryption keyset at {}.
                    Every secret Switchboard stores is encrypted with it: back it up, and
                    keep it apart from database backups. Losing it loses every stored
                    credential. Production: set SWITCHBOARD_KEYSET (see README).
                    ************************************************************************""", file.toAbsolutePath());
            return generated;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read or write the generated keyset " + file.toAbsolutePath() + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The generated keyset " + file.toAbsolutePath()
                    + " is not a valid Tink keyset (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The configured value is key material, or a path that may be key material pasted wrongly: no
     * error repeats it, nor carries a cause whose message might (JSON and number parsers quote
     * what they read). Each names the problem instead.
     */
    private static KeysetHandle parseConfigured(String value) {
        String json;
        if (value.startsWith("{")) {
            json = value;
        } else {
            try {
                json = Files.readString(Path.of(value));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("SWITCHBOARD_KEYSET is neither keyset JSON (starting with '{') nor "
                        + "the path of a readable file (" + e.getClass().getSimpleName()
                        + "); its value is not shown.");
            }
        }
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("SWITCHBOARD_KEYSET is not a valid Tink keyset: expected Tink JSON with "
                    + "\"primaryKeyId\" and \"key\" (" + e.getClass().getSimpleName() + "); its value is not shown.");
        }
    }

    private static void writePrivately(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(Set.of(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
