package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;

/** Provider {@code none}: explicitly unverified. Events from it say so in every view. */
final class NoneVerifier implements Verifier {

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        return new Verification.Unverified();
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of();
    }
}
