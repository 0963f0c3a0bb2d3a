package dev.switchboard.connections;

import jakarta.servlet.http.HttpSession;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The setup wizard's reviewed details, between the review and the create: kept in the user's session
 * (server memory), so the review page needs no hidden copy of a secret. A draft is for one tenant and
 * one provider, is used once, and a session keeps only the last few.
 */
final class Drafts {

    static final int KEPT = 5;
    private static final String ATTRIBUTE = Drafts.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    record Draft(String tenant, String provider, MultiValueMap<String, String> form) {
        @Override
        public String toString() {
            return "Draft[tenant=" + tenant + ", provider=" + provider + "]";
        }
    }

    private Drafts() {}

    static String put(HttpSession session, String tenant, String provider, MultiValueMap<String, String> form) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String key = HexFormat.of().formatHex(id);
        var copy = new LinkedMultiValueMap<String, String>();
        form.forEach((k, v) -> {
            if (!k.equals("_csrf")) copy.put(k, java.util.List.copyOf(v));
        });
        synchronized (Drafts.class) {
            drafts(session).put(key, new Draft(tenant, provider, copy));
        }
        return key;
    }

    /** The draft, left in place (to fill the form in again). */
    static Optional<Draft> peek(HttpSession session, String id, String tenant, String provider) {
        if (id == null) return Optional.empty();
        synchronized (Drafts.class) {
            return matching(drafts(session).get(id), tenant, provider);
        }
    }

    /** The draft, removed: a create uses it once. */
    static Optional<Draft> take(HttpSession session, String id, String tenant, String provider) {
        synchronized (Drafts.class) {
            var found = matching(drafts(session).get(id), tenant, provider);
            found.ifPresent(d -> drafts(session).remove(id));
            return found;
        }
    }

    private static Optional<Draft> matching(Draft d, String tenant, String provider) {
        return Optional.ofNullable(d)
                .filter(x -> x.tenant().equals(tenant) && x.provider().equals(provider));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Draft> drafts(HttpSession session) {
        var map = (Map<String, Draft>) session.getAttribute(ATTRIBUTE);
        if (map == null) {
            map = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Draft> eldest) {
                    return size() > KEPT;
                }
            };
            session.setAttribute(ATTRIBUTE, map);
        }
        return map;
    }
}
