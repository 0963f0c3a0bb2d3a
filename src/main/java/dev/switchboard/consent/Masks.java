package dev.switchboard.consent;

/**
 * What lists and logs may show of a contact: enough to tell two apart, not enough to reach either.
 * Computed once, when the value is stored, and erased with it.
 */
final class Masks {

    private Masks() {}

    /** {@code jenny@example.com} → {@code j***@example.com}. */
    static String email(String email) {
        if (email == null) return null;
        int at = email.lastIndexOf('@');
        String domain = email.substring(at + 1);
        String masked = email.charAt(0) + "***@" + domain;
        return masked.length() <= 80 ? masked : masked.substring(0, 79) + "…";
    }

    /** {@code +14155550142} → {@code +*********42}. */
    static String phone(String phone) {
        if (phone == null) return null;
        String digits = phone.replaceAll("[^0-9]", "");
        String tail = digits.substring(Math.max(0, digits.length() - 2));
        return (phone.startsWith("+") ? "+" : "") + "*".repeat(Math.max(0, digits.length() - 2)) + tail;
    }

    /** The first two characters of a long id, nothing of a short one. */
    static String externalId(String id) {
        if (id == null) return null;
        return id.length() >= 6 ? id.substring(0, 2) + "***" : "***";
    }
}
