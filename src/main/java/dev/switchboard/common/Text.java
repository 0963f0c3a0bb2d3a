package dev.switchboard.common;

/** Text from outside (senders, receivers, providers) made fit for a text column. */
public final class Text {

    private Text() {}

    /**
     * NUL, which PostgreSQL text cannot hold, replaced by U+FFFD, and cut to {@code max} characters:
     * such text is stored as it came, never a failed insert. Null stays null.
     */
    public static String storable(String s, int max) {
        if (s == null) return null;
        String clean = s.replace('\0', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
