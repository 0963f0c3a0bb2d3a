package dev.switchboard.inbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.egress.BoundedCalls;
import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuards;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.stereotype.Component;

/**
 * PayPal's message-signing certificates: fetched from the {@code PAYPAL-CERT-URL} a request names,
 * but only from PayPal's hosts (a fixed allow-list) and only through egress, then checked (a chain to
 * a trusted CA, valid now, issued to {@code messageverificationcerts…paypal.com}) and cached by URL.
 */
@Component
class PaypalCertificates {

    /** Why a certificate cannot be used; the message reaches the sender's 401 and the rejection log. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_BYTES = 64 * 1024;

    private final PaypalProperties properties;
    private final CloseableHttpClient http;
    private final Set<TrustAnchor> anchors;
    private final Cache<String, List<X509Certificate>> cache;

    PaypalCertificates(PaypalProperties properties, UrlGuards guards) {
        this.properties = properties;
        // The operator's guard: the allow-list below, not a tenant, decides where this goes.
        this.http = SafeHttpClients.create(guards.operator(), properties.fetchTimeout(), 8, 4);
        this.anchors = anchors(properties.trustAnchors());
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheTtl())
                .maximumSize(100)
                .build();
    }

    /** The checked signing certificate at {@code url}, valid at {@code at}. */
    X509Certificate certificate(String url, Instant at) throws Refused {
        String checked = allowed(url, properties.certUrlPrefixes());
        if (checked == null) throw new Refused("PAYPAL-CERT-URL is not on PayPal's certificate hosts.");
        List<X509Certificate> chain = cache.getIfPresent(checked);
        if (chain == null) {
            chain = fetch(checked);
            cache.put(checked, chain);
        }
        check(chain, at);
        return chain.getFirst();
    }

    /**
     * The URL, normalized, when it starts with one of the prefixes, or null. No user info, no
     * {@code ..}, no fragment: a prefix match must mean the host and path it seems to.
     */
    static String allowed(String url, List<String> prefixes) {
        if (url == null || url.length() > 1000) return null;
        try {
            URI uri = new URI(url.strip());
            if (uri.getRawUserInfo() != null || uri.getRawFragment() != null || uri.getHost() == null) return null;
            String path = uri.getRawPath();
            if (path == null || path.contains("..") || path.contains("%")) return null;
            String normal = uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                    + uri.getHost().toLowerCase(Locale.ROOT)
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + path
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            for (String prefix : prefixes) {
                if (normal.startsWith(prefix.toLowerCase(Locale.ROOT))) return normal;
            }
            return null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private List<X509Certificate> fetch(String url) throws Refused {
        byte[] pem;
        try {
            pem = BoundedCalls.call(http, new HttpGet(url), properties.fetchTimeout(), response -> {
                if (response.getCode() != 200 || response.getEntity() == null) return null;
                try (InputStream in = response.getEntity().getContent()) {
                    byte[] body = in.readNBytes(MAX_BYTES + 1);
                    EntityUtils.consumeQuietly(response.getEntity());
                    return body.length > MAX_BYTES ? null : body;
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new Refused("PayPal's certificate could not be fetched.");
        }
        if (pem == null) throw new Refused("PayPal's certificate could not be fetched.");
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) throw new Refused("PAYPAL-CERT-URL holds no certificate.");
            return List.copyOf(chain);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Refused("PAYPAL-CERT-URL holds no readable certificate.");
        }
    }

    private void check(List<X509Certificate> chain, Instant at) throws Refused {
        X509Certificate leaf = chain.getFirst();
        try {
            leaf.checkValidity(Date.from(at));
        } catch (GeneralSecurityException e) {
            throw new Refused("PayPal's certificate is expired or not yet valid.");
        }
        String cn = commonName(leaf);
        if (cn == null
                || !cn.toLowerCase(Locale.ROOT).startsWith("messageverificationcerts.")
                || !cn.toLowerCase(Locale.ROOT).endsWith(".paypal.com")) {
            throw new Refused("The certificate is not PayPal's message-signing certificate.");
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Refused("PayPal's certificate does not chain to a trusted authority.");
        }
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /** The configured PEM file's certificates, or the JDK's default trust store's. */
    private static Set<TrustAnchor> anchors(String pemFile) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            if (pemFile != null && !pemFile.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
                    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        anchors.add(new TrustAnchor((X509Certificate) c, null));
                    }
                }
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                for (var tm : tmf.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x) {
                        for (X509Certificate c : x.getAcceptedIssuers()) anchors.add(new TrustAnchor(c, null));
                    }
                }
            }
            if (anchors.isEmpty()) throw new IllegalStateException("no trust anchors");
            return anchors;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "switchboard.inbound.paypal.trust-anchors (" + pemFile + ") cannot be read: " + e.getMessage(), e);
        }
    }
}
