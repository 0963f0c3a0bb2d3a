package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.Operation;
import dev.switchboard.connections.Connection.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps OAuth tokens fresh without holding a row lock or a pooled database connection across the
 * token call. Inside a node, one refresh per connection at a time: later callers wait for the one in
 * flight (single flight). Across nodes, a short claim on the row ({@code refresh_claim}, leased for
 * {@code refreshLease}): a node that finds it held waits for the holder and reads the result. The
 * token call runs outside any transaction; the write-back is fenced on the claim, so a node whose
 * claim expired (and was taken over) writes nothing and reads what the other stored.
 */
@Component
class TokenRefresh {

    private static final Logger log = LoggerFactory.getLogger(TokenRefresh.class);

    /** How a refresh ended: the failure to report to a caller who forced it, if any. */
    private record Outcome(String failure) {}

    private final ConnectionRepository connections;
    private final RefreshClaims claims;
    private final Catalog catalog;
    private final OAuthClient oauth;
    private final Transitions transitions;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Map<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    TokenRefresh(
            ConnectionRepository connections,
            RefreshClaims claims,
            Catalog catalog,
            OAuthClient oauth,
            Transitions transitions,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            Clock clock) {
        this.connections = connections;
        this.claims = claims;
        this.catalog = catalog;
        this.oauth = oauth;
        this.transitions = transitions;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Refreshes the connection's token if it needs it (or {@code force}). A refusal (invalid_grant)
     * puts the connection in {@code error} at once and says so; a transient failure is retried with
     * backoff. Returns the connection as it is afterwards; a forced refresh that failed is a 502.
     */
    Connection refresh(String tenantId, String id, boolean force) {
        Connection c = connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
        if (!catalog.require(c.provider()).oauth()) {
            throw new ApiException(ErrorCode.INVALID_STATE, "This connection has no OAuth token.");
        }
        if (!force && !needsRefresh(c, Sql.now(clock))) return c;
        Transitions.require(c, Operation.REFRESH);
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = inFlight.putIfAbsent(id, mine);
        Outcome outcome;
        if (running != null) {
            outcome = await(running);
        } else {
            try {
                outcome = refreshOnce(tenantId, id, force);
                mine.complete(outcome);
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.remove(id, mine);
            }
        }
        if (force && outcome.failure() != null) {
            throw new ApiException(ErrorCode.OAUTH_FAILED, "The refresh failed: " + outcome.failure());
        }
        return connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
    }

    private static Outcome await(CompletableFuture<Outcome> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** This node's one refresh of the connection: claim, token call, fenced write-back. */
    private Outcome refreshOnce(String tenantId, String id, boolean force) {
        String claim = Ids.randomToken(16);
        boolean[] waited = new boolean[1];
        Connection c = claim(tenantId, id, claim, waited);
        try {
            Instant now = Sql.now(clock);
            // Read again under the claim: a caller that waited (here or for another node) finds the
            // token fresh and asks for nothing, even when forced: it was just refreshed.
            boolean wanted = (force && !waited[0]) || needsRefresh(c, now);
            if (!wanted || !c.state().allows(Operation.REFRESH)) {
                claims.releaseRefresh(c, claim);
                return new Outcome(null);
            }
            Provider p = catalog.require(c.provider());
            Connection.Secrets secrets = connections.secrets(c);
            OAuthClient.Tokens tokens;
            try {
                tokens = secrets.refreshToken() != null
                        ? oauth.refresh(c, p, c.oauthClientId(), secrets.clientSecret(), secrets.refreshToken(), now)
                        : p.clientCredentials()
                                ? oauth.clientCredentials(
                                        c, p, c.oauthClientId(), secrets.clientSecret(), c.scopes(), now)
                                : null;
            } catch (OAuthClient.Failure f) {
                failed(c, claim, f);
                return new Outcome(f.getMessage());
            }
            if (tokens == null) {
                expired(c, claim, "the token expired and there is no refresh token; reconnect", now);
                return new Outcome("there is no refresh token");
            }
            stored(c, claim, tokens, now);
            return new Outcome(null);
        } catch (RuntimeException | Error e) {
            claims.releaseRefresh(c, claim);
            throw e;
        }
    }

    /**
     * Takes the cross-node claim, waiting (a bounded time) while another node holds it, and returns
     * the connection as it is under our claim. {@code waited} says whether another node had it.
     */
    private Connection claim(String tenantId, String id, String claim, boolean[] waited) {
        long deadline = System.nanoTime() + properties.refreshLease().toNanos();
        while (true) {
            Connection c = connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
            Instant now = Sql.now(clock);
            if (claims.claimRefresh(c, claim, now, now.plus(properties.refreshLease()))) {
                return connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
            }
            if (System.nanoTime() > deadline) {
                throw new ApiException(ErrorCode.OAUTH_FAILED, "Another node's refresh of this connection is late.");
            }
            waited[0] = true;
            try {
                Thread.sleep(50); // another node's token call: poll its claim until it lets go
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(ErrorCode.OAUTH_FAILED, "Interrupted while waiting for a refresh.");
            }
        }
    }

    private void stored(Connection c, String claim, OAuthClient.Tokens tokens, Instant now) {
        tx.executeWithoutResult(s -> {
            Instant next = tokens.expiresAt().minus(properties.refreshAhead());
            if (!connections.storeTokens(
                    c, claim, tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt(), next, now)) {
                log.info("Refresh of connection {} finished after its claim was taken over; not stored", c.id());
                return;
            }
            if (c.state() != State.ACTIVE) transitions.move(c, State.ACTIVE, null, now);
            transitions.emit(
                    c,
                    Transitions.REFRESHED,
                    Map.of("expiresAt", tokens.expiresAt().toString()),
                    now);
        });
    }

    private void failed(Connection c, String claim, OAuthClient.Failure f) {
        Instant now = Sql.now(clock);
        if (f.permanent) {
            expired(c, claim, "refresh refused: " + f.getMessage(), now);
            return;
        }
        Duration backoff = Duration.ofSeconds(Math.min(3600, 30L << Math.min(7, c.refreshFailures())));
        if (claims.refreshFailed(c, claim, "refresh failed: " + f.getMessage(), now.plus(backoff), now)) {
            log.warn(
                    "Refreshing connection {} failed (attempt {}): {}",
                    c.id(),
                    c.refreshFailures() + 1,
                    f.getMessage());
        }
    }

    /** The grant is gone: error at once, reported, and the claim let go. */
    private void expired(Connection c, String claim, String why, Instant now) {
        tx.executeWithoutResult(s -> {
            // Only while the claim is ours: after a takeover, a refusal may be of a token rotated since.
            if (!claims.releaseRefresh(c, claim)) return;
            if (transitions.move(c, State.ERROR, why, now) || c.state() == State.ERROR) {
                transitions.emit(c, Transitions.EXPIRED, Map.of(), now);
            }
        });
    }

    boolean needsRefresh(Connection c, Instant now) {
        return c.tokenExpiresAt() == null
                || !c.tokenExpiresAt().minus(properties.refreshAhead()).isAfter(now);
    }
}
