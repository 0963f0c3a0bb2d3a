package dev.switchboard.connections;

import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The cross-node claim on a connection's token refresh: a random token and how long it holds, in
 * columns that lead no index, so every fenced write here is served by the primary key alone.
 */
@Repository
class RefreshClaims {

    private final JdbcClient jdbc;

    RefreshClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the connection's next token refresh for {@code until}: one refresh at a time across
     * nodes, without a row lock held during the token call. False when another holds a live claim.
     */
    boolean claimRefresh(Connection c, String claim, Instant now, Instant until) {
        return jdbc.sql("""
                        UPDATE connections SET refresh_claim = :claim, refresh_claimed_until = :until
                        WHERE id = :id AND tenant_id = :tenant
                        AND (refresh_claimed_until IS NULL OR refresh_claimed_until <= :now)
                        """)
                        .param("id", c.id())
                        .param("tenant", c.tenantId())
                        .param("claim", claim)
                        .param("until", ts(until))
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Lets go of a refresh claim; false when it was no longer ours (it expired and was taken over). */
    boolean releaseRefresh(Connection c, String claim) {
        return jdbc.sql("""
                        UPDATE connections SET refresh_claim = NULL, refresh_claimed_until = NULL
                        WHERE id = :id AND tenant_id = :tenant AND refresh_claim = :claim
                        """)
                        .param("id", c.id())
                        .param("tenant", c.tenantId())
                        .param("claim", claim)
                        .update()
                == 1;
    }

    /** A transient refresh failure: retried at {@code retryAt}; fenced on the claim, which is released. */
    boolean refreshFailed(Connection c, String claim, String error, Instant retryAt, Instant now) {
        return jdbc.sql("""
                        UPDATE connections SET refresh_failures = refresh_failures + 1, next_refresh_at = :retry,
                            last_error = :error, refresh_claim = NULL, refresh_claimed_until = NULL, updated_at = :now
                        WHERE id = :id AND tenant_id = :tenant AND refresh_claim = :claim
                        """)
                        .param("id", c.id())
                        .param("tenant", c.tenantId())
                        .param("claim", claim)
                        .param("retry", ts(retryAt))
                        .param("error", error)
                        .param("now", ts(now))
                        .update()
                == 1;
    }
}
