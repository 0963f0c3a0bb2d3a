package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;

/**
 * One signature scheme. Implementations never throw on what a sender controls (headers, body):
 * every malformed input is a {@link Verification.Rejected}.
 *
 * <p>{@code secrets} holds the current secret first, then the previous one while a rotation's
 * grace period lasts; a request signed with either is verified.
 */
interface Verifier {

    Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options);

    /** The header names whose values are signatures or tokens: redacted wherever headers are stored. */
    List<String> secretHeaders(SourceOptions options);
}
