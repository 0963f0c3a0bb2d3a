package dev.switchboard.inbound;

import dev.switchboard.common.FieldError;
import dev.switchboard.common.Ids;
import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One inbound signature scheme, whole: how a request is verified, what the event is called and
 * deduplicated on, which options a source may set, where its secret comes from, and any handshake
 * the provider expects. A new provider is one implementation, one {@link Provider} constant, and
 * its published test vectors.
 *
 * <p>{@link #verify} and {@link #normalize} never throw on what a sender controls (headers, body):
 * a malformed request is a {@link Verification.Rejected}, an unreadable event still has a type.
 */
sealed interface Scheme
        permits StripeScheme,
                SlackScheme,
                GithubScheme,
                TwilioScheme,
                ShopifyScheme,
                StandardWebhooksScheme,
                HmacScheme,
                TokenScheme,
                NoneScheme {

    /** Where a source's secret comes from. */
    enum SecretOrigin {
        /** No secret at all (provider {@code none}). */
        NONE,
        /** The provider issues it; the user copies it from the provider's dashboard. */
        PROVIDER,
        /** The user chooses it, or Switchboard generates one (shown once) when none is given. */
        GENERATED
    }

    /**
     * {@code secrets} holds the current secret first, then the previous one while a rotation's grace
     * period lasts; a request signed with either is verified.
     */
    Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options);

    /** The header names whose values are signatures or tokens: redacted wherever headers are stored. */
    List<String> secretHeaders(SourceOptions options);

    /**
     * The event as the provider describes it. The type is the provider's own ({@code invoice.paid});
     * {@link Normalizer} prefixes the provider's name. The dedupe key must come from signed input.
     */
    Normalizer.Normalized normalize(Normalizer.Payload payload, SourceOptions options);

    /** The {@link SourceOptions} fields a source of this scheme may set. */
    Set<SourceOptions.Field> options();

    /** What else is wrong with a source's options (required fields, combinations); empty when nothing. */
    default List<FieldError> optionProblems(SourceOptions options) {
        return List.of();
    }

    SecretOrigin secretOrigin();

    /** Why a given secret cannot be one of this scheme's, or null when it can. */
    default String secretProblem(String secret) {
        return null;
    }

    /** The rule for a shared secret we generate but an operator may also set: long enough to resist guessing. */
    static String sharedSecretProblem(String secret) {
        return secret.length() < 16 ? "must be at least 16 characters" : null;
    }

    /** A new secret, for schemes whose {@link #secretOrigin()} is {@code GENERATED}. */
    default Secret newSecret() {
        return Secret.of(Ids.randomToken(32));
    }

    /** The answer to a provider's handshake (answered instead of storing the request), or empty. */
    default Optional<String> handshake(Normalizer.Payload payload) {
        return Optional.empty();
    }
}
