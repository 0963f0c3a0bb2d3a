package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Provider identifiers (a Stripe customer {@code cus_…}) mapped to the platform's own user ids. */
@Repository
class SubjectRepository {

    record Mapping(String externalId, String userId, Instant createdAt, Instant updatedAt) {}

    private final JdbcClient jdbc;
    private final Claims claims;

    SubjectRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    /** Creates or replaces; true when it created. */
    boolean put(String tenantId, String externalId, String userId, Instant now) {
        int updated = jdbc.sql("""
                UPDATE subject_mappings SET user_id = :user, updated_at = :now
                WHERE tenant_id = :tenant AND external_id = :external
                """)
                .param("tenant", tenantId)
                .param("external", externalId)
                .param("user", userId)
                .param("now", ts(now))
                .update();
        if (updated == 1) return false;
        int inserted = jdbc.sql("""
                INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                VALUES (:tenant, :external, :user, :now, :now)
                ON CONFLICT DO NOTHING
                """)
                .param("tenant", tenantId)
                .param("external", externalId)
                .param("user", userId)
                .param("now", ts(now))
                .update();
        // A concurrent put inserted first: make ours the last word.
        if (inserted == 0) return put(tenantId, externalId, userId, now);
        return true;
    }

    Optional<Mapping> find(String tenantId, String externalId) {
        return jdbc.sql("SELECT * FROM subject_mappings WHERE tenant_id = :tenant AND external_id = :external")
                .param("tenant", tenantId)
                .param("external", externalId)
                .query((rs, n) -> new Mapping(
                        rs.getString("external_id"),
                        rs.getString("user_id"),
                        instant(rs, "created_at"),
                        instant(rs, "updated_at")))
                .optional();
    }

    static final String USERS =
            "SELECT external_id, user_id FROM subject_mappings WHERE tenant_id = :tenant AND external_id = ANY(:external)";

    /**
     * The users these subjects of a tenant map to, by subject; unmapped subjects are absent. Once per
     * processed batch, with custom plans (see {@link Claims#withCustomPlans}: a generic plan made while
     * the table was small reads every mapping of the tenant).
     */
    Map<String, String> users(String tenantId, java.util.Collection<String> externalIds) {
        if (externalIds.isEmpty()) return new java.util.HashMap<>();
        return claims.withCustomPlans(() -> {
            Map<String, String> out = new java.util.HashMap<>();
            jdbc.sql(USERS)
                    .param("tenant", tenantId)
                    .param("external", Claims.ids(externalIds))
                    .query(rs -> {
                        out.put(rs.getString("external_id"), rs.getString("user_id"));
                    });
            return out;
        });
    }

    boolean delete(String tenantId, String externalId) {
        return jdbc.sql("DELETE FROM subject_mappings WHERE tenant_id = :tenant AND external_id = :external")
                        .param("tenant", tenantId)
                        .param("external", externalId)
                        .update()
                == 1;
    }
}
