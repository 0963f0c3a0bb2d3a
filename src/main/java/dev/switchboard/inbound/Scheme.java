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
                NoneScheme,
                MetaScheme,
                GraphScheme,
                GoogleChannelScheme,
                PaypalScheme {

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

    /** What a scheme may need beyond the request and its secrets: PayPal's certificates. */
    record Context(PaypalCertificates paypal) {
        static final Context NONE = new Context(null);
    }

    /** {@link #verify(WebhookRequest, List, SourceOptions)}, for schemes that need the {@link Context}. */
    default Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options, Context context) {
        return verify(request, secrets, options);
    }

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

    /**
     * A subscription check, which a provider sends unsigned before it delivers anything (Meta's GET
     * with {@code hub.verify_token}, Graph's {@code ?validationToken=}): answered before
     * verification, as text, instead of storing the request. Empty when the request is not one.
     *
     * @param verifyToken the source's verify token, for schemes that {@link #usesVerifyToken()}
     */
    default Optional<Subscription> subscription(WebhookRequest request, Secret verifyToken) {
        return Optional.empty();
    }

    /** The outcome of a subscription check. */
    sealed interface Subscription {
        /** Answer 200 {@code text/plain} with this text. */
        record Answer(String text) implements Subscription {}

        /** Answer 403: the check's token is not the source's. */
        record Refused(String detail) implements Subscription {}
    }

    /** True when the provider checks the subscription with a second token, kept sealed beside the secret. */
    default boolean usesVerifyToken() {
        return false;
    }

    /**
     * The events of a request that batches several (Graph's {@code value[]}), each stored as its own
     * event with the item as its body; null when the request is one event. Verification covers the
     * whole request first.
     */
    default List<tools.jackson.databind.JsonNode> batch(Normalizer.Payload payload) {
        return null;
    }

    /** The answer to a provider's handshake (answered instead of storing the request), or empty. */
    default Optional<String> handshake(Normalizer.Payload payload) {
        return Optional.empty();
    }
}
