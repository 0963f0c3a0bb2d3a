package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/** The webhook senders Switchboard verifies, each with its own signature scheme. */
enum Provider {
    @JsonProperty("stripe")
    STRIPE("stripe", new StripeVerifier(), true, false, true),
    @JsonProperty("slack")
    SLACK("slack", new SlackVerifier(), true, false, true),
    @JsonProperty("github")
    GITHUB("github", new GithubVerifier(), false, true, false),
    @JsonProperty("twilio")
    TWILIO("twilio", new TwilioVerifier(), true, false, false),
    @JsonProperty("shopify")
    SHOPIFY("shopify", new ShopifyVerifier(), true, false, false),
    @JsonProperty("standard-webhooks")
    STANDARD_WEBHOOKS("standard-webhooks", new StandardWebhooksVerifier(), false, true, true),
    @JsonProperty("hmac")
    HMAC("hmac", new HmacVerifier(), false, true, false),
    @JsonProperty("token")
    TOKEN("token", new TokenVerifier(), false, true, false),
    @JsonProperty("none")
    NONE("none", new NoneVerifier(), false, false, false);

    private final String wire;
    final Verifier verifier;
    /** The provider issues the secret (the user copies it from the provider's dashboard). */
    final boolean secretFromProvider;
    /** We can make the secret when none is given, and show it once. */
    final boolean secretGenerated;

    private final boolean timestamp;

    Provider(String wire, Verifier verifier, boolean secretFromProvider, boolean secretGenerated, boolean timestamp) {
        this.wire = wire;
        this.verifier = verifier;
        this.secretFromProvider = secretFromProvider;
        this.secretGenerated = secretGenerated;
        this.timestamp = timestamp;
    }

    String wire() {
        return wire;
    }

    static Provider fromWire(String value) {
        return Arrays.stream(values())
                .filter(p -> p.wire.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown provider in the database: " + value));
    }

    boolean needsSecret() {
        return this != NONE;
    }

    boolean hasTimestamp() {
        return timestamp;
    }

    boolean usesIdHeader() {
        return this == HMAC || this == TOKEN || this == NONE;
    }
}
