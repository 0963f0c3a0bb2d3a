package dev.switchboard.tenancy;

import dev.switchboard.common.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key format: {@code sb_<26-char id>_<43-char secret>}. The id part names the row (key id
 * {@code key_<id>}), so a presented key is found by id and then its hash compared in constant
 * time; the database never compares secrets. Keys carry 256 random bits, so a plain SHA-256 is
 * the right hash (a slow password hash protects low-entropy secrets, which these are not).
 */
final class ApiKeyTokens {

    static final String PREFIX = "sb_";
    private static final int ID_LENGTH = 26;

    private ApiKeyTokens() {}

    record Issued(String keyId, String token, byte[] hash, String prefix) {
        @Override
        public String toString() {
            return "Issued[keyId=" + keyId + ", prefix=" + prefix + "]";
        }
    }

    static Issued issue() {
        String idPart = Ids.next("key").substring(4);
        String token = PREFIX + idPart + "_" + Ids.randomToken(32);
        return new Issued("key_" + idPart, token, sha256(token), PREFIX + idPart.substring(0, 10));
    }

    /** The key id a presented token claims, or null when it is not in our format. */
    static String keyIdOf(String token) {
        if (token.length() < PREFIX.length() + ID_LENGTH + 2 || !token.startsWith(PREFIX)) return null;
        if (token.charAt(PREFIX.length() + ID_LENGTH) != '_') return null;
        String idPart = token.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        for (int i = 0; i < idPart.length(); i++) {
            char c = idPart.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z')) return null;
        }
        return "key_" + idPart;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
