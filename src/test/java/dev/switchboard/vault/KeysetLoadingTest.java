package dev.switchboard.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.common.Dialect;
import dev.switchboard.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
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
                .hasMessageContaining("the path of a readable file");
    }

    /** Key material pasted wrongly, in the ways a parser or a file lookup would quote back. */
    @Test
    void noMalformedKeysetIsEchoedInAnErrorOrItsCauses() {
        String material = "c2VjcmV0LXZhbHVlLTEyMw";
        List<String> malformed = List.of(
                // No leading brace: read as a path, and the path is the key.
                "\"primaryKeyId\": 1, \"key\": [{\"keyData\": {\"value\": \"" + material + "\"}}]}",
                // A number parser quotes what it could not read.
                "{\"primaryKeyId\": \"" + material + "\", \"key\": []}",
                // A JSON parser quotes the token it stopped at.
                "{\"primaryKeyId\": 1, \"key\": [" + material + "]}");
        for (String value : malformed) {
            for (var load : List.<ThrowingCallable>of(
                    () -> VaultConfig.loadKeyset(value, dir, Dialect.POSTGRESQL),
                    () -> Keysets.addKey(value, true),
                    () -> Keysets.promote(value, 1),
                    () -> Keysets.retire(value, 1))) {
                Throwable thrown = catchThrowable(load);
                assertThat(thrown).as(value).isInstanceOf(IllegalStateException.class);
                for (Throwable t = thrown; t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).as(value).doesNotContain(material);
                    assertThat(t.toString()).doesNotContain(material);
                }
            }
        }
        assertThat(catchThrowable(() -> VaultConfig.loadKeyset(malformed.getFirst(), dir, Dialect.POSTGRESQL)))
                .hasMessageContaining("neither keyset JSON")
                .hasMessageContaining("not shown");
        assertThat(catchThrowable(() -> VaultConfig.loadKeyset(malformed.get(1), dir, Dialect.POSTGRESQL)))
                .hasMessageContaining("not a valid Tink keyset");
    }
}
