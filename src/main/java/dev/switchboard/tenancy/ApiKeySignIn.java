package dev.switchboard.tenancy;

import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * API-key sign-in for the dashboard: the same verification as a bearer key on the API, so a key's
 * role applies in the browser too. The session keeps only the {@link Caller} (never the key), and
 * {@link #stillValid} is asked on every request of the session, so revoking the key, or disabling
 * its tenant, ends the session at its next request.
 */
@Component
public class ApiKeySignIn {

    /** The id {@link ApiKeyAuthenticator} gives the key set in SWITCHBOARD_ADMIN_KEY (it has no row). */
    private static final String ENV_ADMIN_KEY_ID = "key_admin_env";

    private final ApiKeyAuthenticator authenticator;
    private final ApiKeyRepository keys;

    ApiKeySignIn(ApiKeyAuthenticator authenticator, ApiKeyRepository keys) {
        this.authenticator = authenticator;
        this.keys = keys;
    }

    public Optional<Caller> signIn(String key) {
        if (key == null || key.isBlank() || key.length() > 512) return Optional.empty();
        return authenticator.authenticate(key.strip());
    }

    /** One lookup by primary key: cheap enough for every request of a session. */
    public boolean stillValid(Caller caller) {
        // The configured key cannot be revoked, only replaced, which takes a restart (and ends sessions).
        if (ENV_ADMIN_KEY_ID.equals(caller.keyId())) return true;
        return keys.credential(caller.keyId())
                .filter(c -> c.live() && c.role() == caller.role())
                .isPresent();
    }
}
