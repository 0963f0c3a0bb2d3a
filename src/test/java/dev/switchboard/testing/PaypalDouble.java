package dev.switchboard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * PayPal's certificate host, locally: a test CA (the trust anchor the test server is given), a
 * message-signing certificate it issued, and an HTTP server handing certificates out under
 * {@code /v1/notifications/certs/}, counting fetches. One per test JVM, made on first use.
 */
public final class PaypalDouble {

    public static final String CERT_PATH = "/v1/notifications/certs/";

    private static volatile PaypalDouble instance;

    public final KeyPair signingKey;
    public final X509Certificate signingCert;
    public final KeyPair rogueKey;
    public final X509Certificate rogueCert;
    private final Path caFile;
    private final int port;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    public final AtomicInteger fetches = new AtomicInteger();

    public static PaypalDouble get() {
        if (instance == null) {
            synchronized (PaypalDouble.class) {
                if (instance == null) instance = new PaypalDouble();
            }
        }
        return instance;
    }

    private PaypalDouble() {
        try {
            KeyPair ca = rsa();
            X509Certificate caCert =
                    cert("CN=Switchboard Test PayPal CA", ca, "CN=Switchboard Test PayPal CA", ca.getPrivate(), true);
            signingKey = rsa();
            signingCert = cert(
                    "CN=messageverificationcerts.paypal.com",
                    signingKey,
                    "CN=Switchboard Test PayPal CA",
                    ca.getPrivate(),
                    false);
            // Right name, but issued by nobody the server trusts.
            rogueKey = rsa();
            rogueCert = cert(
                    "CN=messageverificationcerts.paypal.com",
                    rogueKey,
                    "CN=messageverificationcerts.paypal.com",
                    rogueKey.getPrivate(),
                    false);
            caFile = Files.createTempFile("paypal-ca", ".pem");
            Files.writeString(caFile, pem(caCert));
            serve("CERT-good", pem(signingCert) + pem(caCert));
            serve("CERT-rogue", pem(rogueCert));
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(CERT_PATH, exchange -> {
                fetches.incrementAndGet();
                byte[] body = served.get(exchange.getRequestURI().getPath().substring(CERT_PATH.length()));
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            server.start();
            port = server.getAddress().getPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void serve(String name, String pem) {
        served.put(name, pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** What the test server is told: the allowed certificate URL prefix, and the trust anchors. */
    public String prefix() {
        return "http://127.0.0.1:" + port + CERT_PATH;
    }

    public String certUrl(String name) {
        return prefix() + name;
    }

    public String caFile() {
        return caFile.toString();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate cert(String subject, KeyPair key, String issuer, PrivateKey issuerKey, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))),
                new X500Name(subject),
                key.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    public static String pem(X509Certificate cert) throws IOException {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }
}
