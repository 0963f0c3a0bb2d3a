package dev.switchboard.testing;

import dev.switchboard.common.Ids;
import dev.switchboard.vault.Keysets;

/** Keys made fresh for each test JVM: nothing secret is checked in. */
public final class TestKeys {

    public static final String ADMIN_KEY = "test-admin-" + Ids.randomToken(32);
    public static final String KEYSET = newKeyset();

    private TestKeys() {}

    public static String newKeyset() {
        return Keysets.generateJson();
    }
}
