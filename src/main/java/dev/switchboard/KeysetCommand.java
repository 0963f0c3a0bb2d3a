package dev.switchboard;

import dev.switchboard.vault.Keysets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code keyset add-key [--primary] <keyset>}, {@code keyset promote <keyId> <keyset>} and
 * {@code keyset retire <keyId> <keyset>}: each prints the changed keyset (Tink JSON) for
 * SWITCHBOARD_KEYSET; {@code <keyset>} is the JSON or a file holding it. See the README's key rotation.
 */
final class KeysetCommand {

    private KeysetCommand() {}

    static String run(String[] args) {
        String usage =
                "usage: keyset add-key [--primary] <keyset> | keyset promote <keyId> <keyset> | keyset retire <keyId> <keyset>";
        if (args.length < 2) throw new IllegalArgumentException(usage);
        return switch (args[0]) {
            case "add-key" ->
                args[1].equals("--primary")
                        ? Keysets.addKey(read(args[2]), true)
                        : Keysets.addKey(read(args[1]), false);
            case "promote" -> Keysets.promote(read(args[2]), Integer.parseInt(args[1]));
            case "retire" -> Keysets.retire(read(args[2]), Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException(usage);
        };
    }

    private static String read(String keyset) {
        if (keyset.strip().startsWith("{")) return keyset;
        try {
            return Files.readString(Path.of(keyset));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the keyset file " + keyset, e);
        }
    }
}
