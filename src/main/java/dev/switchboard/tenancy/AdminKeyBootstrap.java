package dev.switchboard.tenancy;

import dev.switchboard.common.Dialect;
import dev.switchboard.common.Sql;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can call the API. With {@code SWITCHBOARD_ADMIN_KEY} set, that key is the
 * platform key and any generated one is revoked. Otherwise the embedded default generates a platform-admin key on first start, stores its
 * hash and prints it once to standard output (not to the log, which may be shipped elsewhere).
 * On PostgreSQL with no platform key yet, startup stops with a clear message instead.
 */
@Component
class AdminKeyBootstrap implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(AdminKeyBootstrap.class);

    private final TenancyProperties properties;
    private final ApiKeyRepository keys;
    private final Dialect dialect;
    private final Clock clock;

    AdminKeyBootstrap(TenancyProperties properties, ApiKeyRepository keys, Dialect dialect, Clock clock) {
        this.properties = properties;
        this.keys = keys;
        this.dialect = dialect;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        if (properties.adminKey() != null) {
            // The operator chose a key of their own: a generated one, printed to a console long ago,
            // must not stay a second way in.
            int revoked = keys.revokePlatformKeys(Sql.now(clock));
            if (revoked > 0) {
                log.warn(
                        "SWITCHBOARD_ADMIN_KEY is set: revoked {} generated platform admin key(s) stored in the database.",
                        revoked);
            }
            return;
        }
        if (keys.anyLivePlatformKey()) return;
        if (!dialect.embedded()) {
            throw new IllegalStateException("No platform admin key exists and SWITCHBOARD_ADMIN_KEY is not set. "
                    + "Set SWITCHBOARD_ADMIN_KEY to a random string of 32+ characters "
                    + "(e.g. `openssl rand -base64 32`) and start again.");
        }
        ApiKeyTokens.Issued issued = ApiKeyTokens.issue();
        keys.insert(
                new ApiKey(
                        issued.keyId(),
                        null,
                        "generated on first start",
                        Role.PLATFORM_ADMIN,
                        issued.prefix(),
                        Sql.now(clock),
                        null),
                issued.hash());
        System.out.printf("""

                ========================================================================
                 Switchboard generated a platform admin API key. It is shown only now:

                   %s

                 Use it as 'Authorization: Bearer <key>'. Lost it? Start with
                 SWITCHBOARD_ADMIN_KEY set to a key of your own.
                ========================================================================

                """, issued.token());
        System.out.flush();
    }
}
