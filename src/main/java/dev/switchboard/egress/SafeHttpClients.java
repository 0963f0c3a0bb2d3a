package dev.switchboard.egress;

import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The only way Switchboard builds an outbound HTTP client: pooled, every address checked by the
 * {@link UrlGuard}, redirects never followed (a 3xx is an answer, not an instruction), no automatic
 * retries (HttpClient's default would silently resend after a 429 or 503: retrying is the caller's
 * policy, and each attempt must be logged), no cookies, and bounded in time.
 */
public final class SafeHttpClients {

    private SafeHttpClients() {}

    public static CloseableHttpClient create(UrlGuard guard, Duration timeout, int maxConnections, int maxPerRoute) {
        Timeout t = Timeout.of(timeout);
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard.dnsResolver())
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(Math.max(1, Math.min(maxConnections, maxPerRoute)))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(t)
                        .setSocketTimeout(t)
                        .build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(t)
                        .setConnectionRequestTimeout(t)
                        .build())
                .setUserAgent("Switchboard/0.1")
                .build();
    }
}
