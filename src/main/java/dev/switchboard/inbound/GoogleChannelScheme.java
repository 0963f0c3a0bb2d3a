package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Google push notification channels (Calendar, Drive and the other APIs' {@code watch}). Nothing is
 * signed: the channel's {@code token}, set when the channel was opened (the source's secret), comes
 * back in {@code X-Goog-Channel-Token}. The body is empty; what changed is in the headers. The
 * first message of a channel has {@code X-Goog-Resource-State: sync} and is stored as a {@code sync}
 * event; later ones are {@code <api>.<state>}, such as {@code calendar.exists}.
 *
 * <p>The dedupe key is the channel id with {@code X-Goog-Message-Number}, which Google increments
 * per message and repeats on a retry. Like any token scheme, whoever holds the token could send
 * anything, so these headers are as trustworthy as the rest.
 */
final class GoogleChannelScheme implements Scheme {

    static final String TOKEN = "x-goog-channel-token";
    static final String CHANNEL = "x-goog-channel-id";
    static final String NUMBER = "x-goog-message-number";
    static final String STATE = "x-goog-resource-state";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String token = request.header(TOKEN);
        if (token == null) return Verification.missing("No X-Goog-Channel-Token header.");
        if (request.header(CHANNEL) == null || request.header(NUMBER) == null || request.header(STATE) == null) {
            return Verification.missing(
                    "X-Goog-Channel-ID, X-Goog-Message-Number and X-Goog-Resource-State are required.");
        }
        byte[] presented = Hmac.sha256(Hmac.utf8(token.strip()));
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sha256(Hmac.utf8(secret.reveal())), presented)) {
                return new Verification.Verified("google-channel-token");
            }
        }
        return Verification.invalid("The channel token is not this source's.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(TOKEN);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String channel = p.header(CHANNEL);
        String number = p.header(NUMBER);
        String state = p.header(STATE);
        String type = state == null
                ? "unknown"
                : state.equals("sync") ? "sync" : api(p.header("x-goog-resource-uri")) + "." + safe(state);
        return new Normalizer.Normalized(
                channel == null || number == null
                        ? Normalizer.bodyKey(p.request(), null)
                        : Normalizer.key("channel", channel + "#" + number, p.request()),
                number,
                type,
                channel,
                null);
    }

    /** Which API the watched resource belongs to, from its URI: {@code calendar}, {@code drive}, … */
    private static String api(String uri) {
        if (uri == null) return "resource";
        String u = uri.toLowerCase(Locale.ROOT);
        for (String api : List.of("calendar", "drive", "gmail", "admin", "people")) {
            if (u.contains("/" + api + "/")) return api;
        }
        return "resource";
    }

    private static String safe(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of();
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.GENERATED;
    }

    /** Google limits a channel token to 256 characters. */
    @Override
    public String secretProblem(String secret) {
        return secret.length() > 256
                ? "must be at most 256 characters (Google's limit)"
                : Scheme.sharedSecretProblem(secret);
    }
}
