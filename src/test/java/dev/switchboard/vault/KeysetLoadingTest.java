package dev.switchboard.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Dialect;
import dev.switchboard.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetLoadingTest {

    @TempDir
    Path dir;

    @Test
    void theEmbeddedDefaultGeneratesAPrivateKeysetOnceAndReusesIt() throws Exception {
        var first = VaultConfig.loadKeyset(null, dir, Dialect.H2);
        Path file = dir.resolve(VaultConfig.GENERATED_FILE);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        var second = VaultConfig.loadKeyset(null, dir, Dialect.H2);
        assertThat(second.getPrimary().getId()).isEqualTo(first.getPrimary().getId());
    }

    @Test
    void postgresqlRefusesToStartWithoutAKeyset() {
        assertThatThrownBy(() -> VaultConfig.loadKeyset(null, dir, Dialect.POSTGRESQL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SWITCHBOARD_KEYSET is not set");
        assertThatThrownBy(() -> VaultConfig.loadKeyset("  ", dir, Dialect.POSTGRESQL))
                .hasMessageContaining("SWITCHBOARD_KEYSET is not set");
        assertThat(dir.resolve(VaultConfig.GENERATED_FILE)).doesNotExist();
    }

    @Test
    void readsAKeysetInlineOrFromAFile() throws Exception {
        var inline = VaultConfig.loadKeyset(TestKeys.KEYSET, dir, Dialect.POSTGRESQL);
        Path file = dir.resolve("mine.json");
        Files.writeString(file, TestKeys.KEYSET);
        var fromFile = VaultConfig.loadKeyset(file.toString(), dir, Dialect.POSTGRESQL);
        assertThat(fromFile.getPrimary().getId()).isEqualTo(inline.getPrimary().getId());
    }

    @Test
    void aBrokenKeysetIsAClearErrorThatDoesNotEchoIt() {
        String broken = "{\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"value\": \"c2VjcmV0LXZhbHVlLTEyMw==\"}}]}";
        assertThatThrownBy(() -> VaultConfig.loadKeyset(broken, dir, Dialect.POSTGRESQL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a valid Tink keyset")
                .hasMessageNotContaining("c2VjcmV0LXZhbHVlLTEyMw");
        assertThatThrownBy(
                        () -> VaultConfig.loadKeyset(dir.resolve("missing.json").toString(), dir, Dialect.POSTGRESQL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot read");
    }
}
