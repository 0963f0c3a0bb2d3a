package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import dev.switchboard.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyset commands the README's key rotation runs: add a key, promote it, retire the old one. */
class KeysetCommandTest {

    static KeysetHandle parse(String json) throws Exception {
        AeadConfig.register();
        return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
    }

    @Test
    void addPromoteRetire(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keyset.json");
        Files.writeString(file, TestKeys.KEYSET);
        int old = parse(TestKeys.KEYSET).getPrimary().getId();

        String added = KeysetCommand.run(new String[] {"add-key", file.toString()});
        KeysetHandle two = parse(added);
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.getPrimary().getId())
                .as("a new key is not primary until promoted")
                .isEqualTo(old);
        int fresh = two.getAt(0).getId() == old
                ? two.getAt(1).getId()
                : two.getAt(0).getId();

        String promoted = KeysetCommand.run(new String[] {"promote", String.valueOf(fresh), added});
        assertThat(parse(promoted).getPrimary().getId()).isEqualTo(fresh);
        assertThatThrownBy(() -> KeysetCommand.run(new String[] {"retire", String.valueOf(fresh), promoted}))
                .hasMessageContaining("primary");

        String retired = KeysetCommand.run(new String[] {"retire", String.valueOf(old), promoted});
        KeysetHandle one = parse(retired);
        assertThat(one.size()).isEqualTo(1);
        assertThat(one.getPrimary().getId()).isEqualTo(fresh);

        assertThat(parse(KeysetCommand.run(new String[] {"add-key", "--primary", TestKeys.KEYSET}))
                        .getPrimary()
                        .getId())
                .isNotEqualTo(old);
        assertThatThrownBy(() -> KeysetCommand.run(new String[] {"shred"})).hasMessageContaining("usage");
    }
}
