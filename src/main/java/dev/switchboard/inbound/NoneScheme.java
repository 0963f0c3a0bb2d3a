package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Set;

/**
 * Provider {@code none}: explicitly unverified. Events from it say so in every view, and go only
 * to endpoints that name their type.
 */
final class NoneScheme implements Scheme {

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        return new Verification.Unverified();
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of();
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        return TokenScheme.unsigned(p, options);
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.ID_HEADER);
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.NONE;
    }
}
