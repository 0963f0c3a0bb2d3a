package dev.switchboard.inbound;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * The registry of webhook senders Switchboard verifies: each name, as stored and in the API, with
 * its {@link Scheme}. Adding a provider is one constant here and one scheme class.
 */
enum Provider {
    @JsonProperty("stripe")
    STRIPE("stripe", new StripeScheme()),
    @JsonProperty("slack")
    SLACK("slack", new SlackScheme()),
    @JsonProperty("github")
    GITHUB("github", new GithubScheme()),
    @JsonProperty("twilio")
    TWILIO("twilio", new TwilioScheme()),
    @JsonProperty("shopify")
    SHOPIFY("shopify", new ShopifyScheme()),
    @JsonProperty("standard-webhooks")
    STANDARD_WEBHOOKS("standard-webhooks", new StandardWebhooksScheme()),
    @JsonProperty("hmac")
    HMAC("hmac", new HmacScheme()),
    @JsonProperty("token")
    TOKEN("token", new TokenScheme()),
    @JsonProperty("none")
    NONE("none", new NoneScheme()),
    @JsonProperty("meta")
    META("meta", new MetaScheme()),
    @JsonProperty("msgraph")
    MSGRAPH("msgraph", new GraphScheme()),
    @JsonProperty("google-channel")
    GOOGLE_CHANNEL("google-channel", new GoogleChannelScheme()),
    @JsonProperty("paypal")
    PAYPAL("paypal", new PaypalScheme());

    private final String wire;
    final Scheme scheme;

    Provider(String wire, Scheme scheme) {
        this.wire = wire;
        this.scheme = scheme;
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
        return scheme.secretOrigin() != Scheme.SecretOrigin.NONE;
    }
}
