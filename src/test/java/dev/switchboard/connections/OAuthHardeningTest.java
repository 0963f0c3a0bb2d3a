package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.common.Sql;
import dev.switchboard.testing.Api;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * OAuth under concurrency and misuse: one token request for two nodes refreshing at once, no
 * database connection held during a token call, callbacks only for the connection and client they
 * were issued for, authorizations ended by suspend and reconnect and purged when expired, and no
 * refresh for a disabled tenant.
 */
class OAuthHardeningTest extends OAuthTestBase {

    @Autowired
    ConnectionRepository repository;

    @Autowired
    RefreshClaims refreshClaims;

    @Autowired
    Catalog catalog;

    @Autowired
    OAuthClient oauthClient;

    @Autowired
    Transitions transitions;

    @Autowired
    ConnectionsProperties properties;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ConnectionJobs jobs;

    @Autowired
    DataSource dataSource;

    long states(String connectionId) {
        return count("oauth_states WHERE connection_id = '" + connectionId + "'");
    }

    @Test
    void twoNodesRefreshingAtOnceMakeOneTokenRequest() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        tokenRequests();
        clock.advance(Duration.ofMinutes(50));
        // A second node: its own refresher (its own single flight), the same database.
        TokenRefresh otherNode =
                new TokenRefresh(repository, refreshClaims, catalog, oauthClient, transitions, properties, tx, clock);

        gate.hold = new CountDownLatch(1);
        try {
            var here = CompletableFuture.supplyAsync(() -> api.post(base + "/" + id + "/access-token", ADMIN, "{}"));
            await().atMost(Duration.ofSeconds(20)).until(() -> gate.requests.get() == 1);
            var there = CompletableFuture.supplyAsync(() -> otherNode.refresh(tenant, id, false));
            gate.hold.countDown();
            var token = here.get(20, TimeUnit.SECONDS);
            Connection seenThere = there.get(20, TimeUnit.SECONDS);
            assertThat(token.status()).as(token.toString()).isEqualTo(200);
            // The other node waited for this one's refresh and read its result.
            assertThat(seenThere.tokenExpiresAt())
                    .isEqualTo(java.time.Instant.parse(
                            token.json().get("expiresAt").asString()));
            assertThat(otherNode.needsRefresh(seenThere, Sql.now(clock))).isFalse();
        } finally {
            gate.hold = null;
        }
        assertThat(tokenRequests()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT refresh_claim FROM connections WHERE id = :id")
                        .param("id", id)
                        .query(String.class)
                        .optional())
                .isEmpty();
    }

    @Test
    void noDatabaseConnectionIsHeldDuringATokenCall() throws Exception {
        int pool = dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();
        String key = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Machine","category":"payment","authType":"oauth2",
                 "tokenUrl":"%s","apiBaseUrl":"http://127.0.0.1:9",
                 "auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"accessToken"}}""";
        assertThat(api.post("/api/v1/providers", ADMIN, definition.formatted(key, gate.url()))
                        .status())
                .isEqualTo(201);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pool; i++) {
            var c = api.post(
                    base,
                    ADMIN,
                    "{\"provider\":\"" + key + "\",\"name\":\"M" + i
                            + "\",\"oauth\":{\"clientId\":\"machine\",\"clientSecret\":\"s3cret-value\"}}");
            assertThat(c.json().get("state").asString()).as(c.toString()).isEqualTo("active");
            ids.add(c.json().get("id").asString());
        }
        tokenRequests();

        // As many token calls as the pool has connections, all waiting on the token endpoint…
        gate.hold = new CountDownLatch(1);
        List<CompletableFuture<Api.Response>> refreshes = new ArrayList<>();
        try {
            for (String id : ids) {
                refreshes.add(CompletableFuture.supplyAsync(() -> api.post(base + "/" + id + "/refresh", ADMIN, "{}")));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> gate.requests.get() == pool);

            // …and as many other requests still get a database connection each, at once.
            List<CompletableFuture<Api.Response>> reads = new ArrayList<>();
            for (String id : ids) {
                reads.add(CompletableFuture.supplyAsync(() -> api.get(base + "/" + id, ADMIN)));
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            for (var r : reads) assertThat(r.get().status()).isEqualTo(200);
            assertThat(refreshes).noneMatch(CompletableFuture::isDone);
        } finally {
            gate.hold.countDown();
            gate.hold = null;
        }
        for (var r : refreshes) assertThat(r.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void aCallbackCompletesOnlyAPendingAuthorizationWithTheClientItWasIssuedFor() throws Exception {
        String id = create();
        URI first = authorizeAndReturn(id);
        URI second = authorizeAndReturn(id);
        assertThat(follow(first).json().get("state").asString()).isEqualTo("active");
        // The connection is active: a second authorization no longer applies.
        var late = follow(second);
        assertThat(late.status()).as(late.toString()).isEqualTo(400);
        assertThat(late.json().get("code").asString()).isEqualTo("oauth_state_invalid");

        String other = create();
        URI callback = authorizeAndReturn(other);
        assertThat(api.patch(base + "/" + other, ADMIN, "{\"oauth\":{\"clientId\":\"another-app\"}}")
                        .status())
                .isEqualTo(200);
        var changed = follow(callback);
        assertThat(changed.status()).isEqualTo(400);
        assertThat(changed.json().get("code").asString()).isEqualTo("oauth_state_invalid");
        assertThat(connection(other).get("state").asString()).isEqualTo("pending_auth");
    }

    @Test
    void suspendAndReconnectEndAuthorizationsInProgressAndExpiredOnesArePurged() throws Exception {
        String id = create();
        URI callback = authorizeAndReturn(id);
        assertThat(states(id)).isEqualTo(1);
        assertThat(api.post(base + "/" + id + "/suspend", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(states(id)).isZero();
        assertThat(api.post(base + "/" + id + "/resume", ADMIN, "{}")
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("pending_auth");
        assertThat(follow(callback).json().get("code").asString()).isEqualTo("oauth_state_invalid");

        authorizeAndReturn(id);
        assertThat(states(id)).isEqualTo(1);
        assertThat(api.post(base + "/" + id + "/reconnect", ADMIN, "{}").status())
                .isEqualTo(200);
        assertThat(states(id)).isZero();

        authorizeAndReturn(id);
        assertThat(states(id)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(11)); // past the 10-minute state TTL
        await().atMost(Duration.ofSeconds(20)).until(() -> states(id) == 0);
    }

    @Test
    void aDisabledTenantsTokensAreNotRefreshed() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        tokenRequests();
        assertThat(api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":true}")
                        .status())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(50));
        jobs.refreshDue();
        assertThat(tokenRequests()).isZero();

        api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":false}");
        await().atMost(Duration.ofSeconds(20)).until(() -> gate.requests.get() > 0);
    }
}
