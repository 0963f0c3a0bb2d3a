package dev.switchboard.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Signed, expiring unsubscribe links: {@code <base>/unsubscribe/<payload>.<mac>}, the payload naming
 * tenant, contact, channel, purpose and expiry, the MAC an HMAC-SHA256 of it under a platform key
 * sealed by the vault ({@link ContactKeys#LINKS}). Verified in constant time before anything in the
 * payload is believed. A link needs no login: knowing it is the authority to withdraw that one consent.
 */
@Component
class UnsubscribeLinks {

    /** What a link says, once its MAC is checked. */
    record Link(String tenantId, String contactId, String channel, String purpose, Instant expiresAt) {}

    /** A verified link, or why it was refused. */
    sealed interface Verdict {
        record Valid(Link link) implements Verdict {}

        /** Not made by us, or altered: the same answer for both, nothing to learn from it. */
        record Invalid() implements Verdict {}

        record Expired(Link link) implements Verdict {}
    }

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{10,1000}\\.[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ContactKeys keys;
    private final Clock clock;

    UnsubscribeLinks(ContactKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    String token(String tenantId, String contactId, String channel, String purpose, Duration ttl) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String payload = String.join("\n", "v1", tenantId, contactId, channel, purpose, Long.toString(expires));
        String p = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return p + "." + B64.encodeToString(keys.mac(ContactKeys.LINKS, p));
    }

    Verdict verify(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) return new Verdict.Invalid();
        int dot = token.indexOf('.');
        String p = token.substring(0, dot);
        byte[] given;
        try {
            given = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Verdict.Invalid();
        }
        if (!MessageDigest.isEqual(keys.mac(ContactKeys.LINKS, p), given)) return new Verdict.Invalid();
        String[] parts;
        try {
            parts = new String(B64D.decode(p), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            return new Verdict.Invalid();
        }
        if (parts.length != 6 || !parts[0].equals("v1")) return new Verdict.Invalid();
        Link link;
        try {
            link = new Link(parts[1], parts[2], parts[3], parts[4], Instant.ofEpochSecond(Long.parseLong(parts[5])));
        } catch (NumberFormatException e) {
            return new Verdict.Invalid();
        }
        return clock.instant().isBefore(link.expiresAt()) ? new Verdict.Valid(link) : new Verdict.Expired(link);
    }
}
