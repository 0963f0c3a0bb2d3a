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

    /**
     * Caller-controlled text made safe for one log line: anything outside printable ASCII (line
     * breaks, ANSI escapes, bytes a terminal would act on) is written as {@code \\uXXXX}, and the
     * result is cut to 200 characters, so a request can neither forge log lines nor make them long.
     */
    public static String loggable(String s) {
        if (s == null) return "null";
        StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') out.append(c);
            else out.append(String.format("\\u%04x", (int) c));
        }
        return s.length() > 200 ? out + "…" : out.toString();
    }
}
