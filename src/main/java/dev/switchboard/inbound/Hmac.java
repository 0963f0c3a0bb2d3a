package dev.switchboard.inbound;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC and the parsing around it. Every comparison of a presented signature is of bytes, with
 * {@link MessageDigest#isEqual} (constant time); every parser returns null rather than throwing,
 * because its input is whatever a stranger sent.
 */
final class Hmac {

    private Hmac() {}

    static byte[] sign(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            for (byte[] part : parts) mac.update(part);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static boolean equal(byte[] expected, byte[] presented) {
        return presented != null && MessageDigest.isEqual(expected, presented);
    }

    /**
     * Lower-case hex only: providers send lower case, and their SDKs compare signature strings, so
     * an upper-cased signature is one they reject too.
     */
    static byte[] hex(String s) {
        if (s == null || s.isEmpty() || s.length() % 2 != 0 || s.length() > 256) return null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) return null;
        }
        return HexFormat.of().parseHex(s);
    }

    static byte[] base64(String s) {
        if (s == null || s.isEmpty() || s.length() > 1024) return null;
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unix seconds from a header, or null when it is not a plain, plausible number. */
    static Long unixSeconds(String s) {
        if (s == null || s.isEmpty() || s.length() > 12) return null;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return null;
        return Long.parseLong(s);
    }

    /** True when {@code seconds} lies within ±tolerance of now; no overflow on absurd input. */
    static boolean withinTolerance(long seconds, Instant now, long toleranceSeconds) {
        long nowSeconds = now.getEpochSecond();
        return seconds >= nowSeconds - toleranceSeconds && seconds <= nowSeconds + toleranceSeconds;
    }
}
