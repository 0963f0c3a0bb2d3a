package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/** Alert channels of a tenant or of the platform: their URLs checked against the right guard, and sealed. */
@Service
class Channels implements ScopedRoutes.Store<Channel> {

    static final int MAX_PER_SCOPE = 50;

    record CreateChannel(String name, String kind, String url, Boolean enabled) {
        @Override
        public String toString() {
            return "CreateChannel[name=" + name + ", kind=" + kind + ", url=[redacted]]";
        }
    }

    record UpdateChannel(String name, String url, Boolean enabled) {
        @Override
        public String toString() {
            return "UpdateChannel[name=" + name + ", url=" + (url == null ? null : "[redacted]") + "]";
        }
    }

    private final ChannelRepository channels;
    private final Vault vault;
    private final UrlGuards guards;
    private final Clock clock;

    Channels(ChannelRepository channels, Vault vault, UrlGuards guards, Clock clock) {
        this.channels = channels;
        this.vault = vault;
        this.guards = guards;
        this.clock = clock;
    }

    Channel create(String scope, CreateChannel body) {
        String name = name(body.name());
        Channel.Kind kind = Channel.Kind.parse("kind", required("kind", body.kind()));
        URI url = checkUrl(scope, required("url", body.url()));
        if (channels.count(scope) >= MAX_PER_SCOPE) {
            throw new ApiException(ErrorCode.LIMIT_REACHED, "At most " + MAX_PER_SCOPE + " alert channels.");
        }
        Instant now = Sql.now(clock);
        Channel c = new Channel(
                Ids.next("ach"),
                scope,
                name,
                kind,
                Channel.hint(url),
                body.enabled() == null || body.enabled(),
                now,
                now);
        channels.insert(c, seal(c.tenantId(), c.id(), body.url()));
        return c;
    }

    @Override
    public Channel find(String scope, String id) {
        return channels.find(scope, id).orElseThrow(() -> ApiException.notFound("alert channel"));
    }

    @Override
    public List<Channel> page(String scope, PageRequest page) {
        return channels.page(scope, page);
    }

    Channel update(String scope, String id, UpdateChannel body) {
        find(scope, id);
        String name = body.name() == null ? null : name(body.name());
        byte[] sealed = null;
        String hint = null;
        if (body.url() != null) {
            hint = Channel.hint(checkUrl(scope, body.url()));
            sealed = seal(scope, id, body.url());
        }
        if (!channels.update(scope, id, name, sealed, hint, body.enabled(), Sql.now(clock))) {
            throw ApiException.notFound("alert channel");
        }
        return find(scope, id);
    }

    @Override
    public void delete(String scope, String id) {
        if (!channels.delete(scope, id)) throw ApiException.notFound("alert channel");
    }

    /** The channel's URL in clear, for a send; null when the channel was deleted meanwhile. */
    Secret url(String scope, String id) {
        byte[] sealed = channels.sealedUrl(scope, id);
        return sealed == null ? null : vault.decrypt(sealed, place(scope, id));
    }

    /** A platform channel is the operator's URL; a tenant's channel gets the tenant's guard. */
    UrlGuard guard(String scope) {
        return Alerting.PLATFORM.equals(scope) ? guards.operator() : guards.tenant();
    }

    private URI checkUrl(String scope, String url) {
        if (url.length() > 2000) throw ApiException.invalid("url", "must be at most 2000 characters");
        try {
            return guard(scope).check(url);
        } catch (BlockedDestinationException e) {
            throw ApiException.invalid("url", "is not allowed: " + e.getMessage());
        } catch (RuntimeException e) {
            throw ApiException.invalid("url", "is not a valid http(s) URL");
        }
    }

    private byte[] seal(String scope, String id, String url) {
        return vault.encrypt(Secret.of(url), place(scope, id));
    }

    private static SecretPlace place(String scope, String id) {
        return new SecretPlace(scope, "alert_channels", "url", id);
    }

    private static String name(String name) {
        String n = required("name", name);
        if (n.isBlank() || n.length() > 200 || n.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("name", "must be 1 to 200 printable characters");
        }
        return n;
    }

    static String required(String field, String value) {
        if (value == null) throw ApiException.invalid(field, "is required");
        return value;
    }
}
