package dev.switchboard.inbound;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How PayPal's signing certificates are fetched and trusted.
 *
 * @param certUrlPrefixes where a {@code PAYPAL-CERT-URL} may point: PayPal's API hosts over https,
 *     and nothing else, so a forged request cannot make Switchboard fetch (or trust) a certificate
 *     from anywhere it names. Tests point it at a local server; production keeps the default.
 * @param trustAnchors a PEM file of the CA certificates a PayPal certificate must chain to; empty:
 *     the JDK's default trust store (PayPal's certificates are issued by a public CA)
 * @param cacheTtl how long a fetched, checked certificate is reused (PayPal reuses one for months)
 * @param fetchTimeout the deadline on the whole fetch of a certificate
 */
@ConfigurationProperties("switchboard.inbound.paypal")
record PaypalProperties(
        @DefaultValue({
            "https://api.paypal.com/",
            "https://api-m.paypal.com/",
            "https://api.sandbox.paypal.com/",
            "https://api-m.sandbox.paypal.com/"
        })
        List<String> certUrlPrefixes,

        @DefaultValue("") String trustAnchors,
        @DefaultValue("1h") Duration cacheTtl,
        @DefaultValue("5s") Duration fetchTimeout) {}
