package dev.switchboard.common;

import java.security.SecureRandom;

/**
 * Prefixed, time-ordered ids such as {@code ten_01jd9x3k8q2v7m4n6p0r5s1t2w}: 48 bits of milliseconds
 * then 80 random bits in Crockford base32, like a ULID. Time order keeps index inserts local; the
 * prefix tells a reader what kind of thing an id names.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String next(String prefix) {
        return prefix + "_" + ulid(System.currentTimeMillis());
    }

    /** 26 characters: 10 for the time, 16 for 80 random bits. */
    static String ulid(long millis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 bits = 16 groups of 5 bits.
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (random[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (random[i] & 0xff);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** Random url-safe characters for secrets (keys, tokens): {@code bytes} bytes of entropy. */
    public static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
