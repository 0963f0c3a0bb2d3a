package dev.switchboard.inbound;

/** The outcome of checking a request's signature. */
sealed interface Verification {

    /** Signed with the source's secret (or its previous one, during a rotation grace period). */
    record Verified(String scheme) implements Verification {}

    /** Provider {@code none}: accepted without a check, and flagged as such everywhere it shows. */
    record Unverified() implements Verification {}

    record Rejected(Reason reason, String detail) implements Verification {}

    enum Reason {
        SIGNATURE_MISSING,
        SIGNATURE_INVALID,
        TIMESTAMP_OUT_OF_TOLERANCE;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Rejected missing(String detail) {
        return new Rejected(Reason.SIGNATURE_MISSING, detail);
    }

    static Rejected invalid(String detail) {
        return new Rejected(Reason.SIGNATURE_INVALID, detail);
    }

    static Rejected stale(String detail) {
        return new Rejected(Reason.TIMESTAMP_OUT_OF_TOLERANCE, detail);
    }
}
