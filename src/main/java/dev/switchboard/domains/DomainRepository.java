package dev.switchboard.domains;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Claims;
import dev.switchboard.common.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sending domains and their last check. */
@Repository
class DomainRepository {

    record Domain(
            String id,
            String tenantId,
            String domain,
            String spfInclude,
            List<String> dkimSelectors,
            String dmarcPolicy,
            String lastStatus,
            String lastResult,
            Instant lastCheckedAt,
            Instant nextCheckAt,
            Instant createdAt,
            Instant updatedAt) {}

    private static final RowMapper<Domain> DOMAIN = (rs, n) -> new Domain(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getString("domain"),
            rs.getString("spf_include"),
            rs.getString("dkim_selectors").isEmpty()
                    ? List.of()
                    : List.of(rs.getString("dkim_selectors").split(",")),
            rs.getString("dmarc_policy"),
            rs.getString("last_status"),
            rs.getString("last_result"),
            instant(rs, "last_checked_at"),
            instant(rs, "next_check_at"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"));

    private final JdbcClient jdbc;
    private final Claims claims;

    DomainRepository(JdbcClient jdbc, Claims claims) {
        this.jdbc = jdbc;
        this.claims = claims;
    }

    void insert(Domain d) {
        jdbc.sql("""
                INSERT INTO sending_domains (id, tenant_id, domain, spf_include, dkim_selectors, dmarc_policy,
                    next_check_at, created_at, updated_at)
                VALUES (:id, :tenant, :domain, :spf, :dkim, :dmarc, :next, :now, :now)
                """)
                .param("id", d.id())
                .param("tenant", d.tenantId())
                .param("domain", d.domain())
                .param("spf", d.spfInclude())
                .param("dkim", String.join(",", d.dkimSelectors()))
                .param("dmarc", d.dmarcPolicy())
                .param("next", ts(d.nextCheckAt()))
                .param("now", ts(d.createdAt()))
                .update();
    }

    Optional<Domain> findInTenant(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM sending_domains WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(DOMAIN)
                .optional();
    }

    boolean existsInTenant(String tenantId, String domain) {
        return jdbc.sql("SELECT count(*) FROM sending_domains WHERE tenant_id = :tenant AND domain = :domain")
                        .param("tenant", tenantId)
                        .param("domain", domain)
                        .query(Long.class)
                        .single()
                > 0;
    }

    List<Domain> listInTenant(String tenantId, PageRequest page) {
        return page.select(jdbc, "SELECT * FROM sending_domains WHERE tenant_id = :tenant", "created_at")
                .param("tenant", tenantId)
                .query(DOMAIN)
                .list();
    }

    boolean deleteInTenant(String tenantId, String id) {
        return jdbc.sql("DELETE FROM sending_domains WHERE tenant_id = :tenant AND id = :id")
                        .param("tenant", tenantId)
                        .param("id", id)
                        .update()
                == 1;
    }

    void recordCheck(String tenantId, String id, String status, String result, Instant now) {
        jdbc.sql("""
                UPDATE sending_domains SET last_status = :status, last_result = :result, last_checked_at = :now,
                    updated_at = :now
                WHERE tenant_id = :tenant AND id = :id
                """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("status", status)
                .param("result", result)
                .param("now", ts(now))
                .update();
    }

    /** Domains due a scheduled check; the claim moves their next check on by the interval. */
    static final Claims.Claim DUE = new Claims.Claim(
            "sending_domains",
            "next_check_at <= :now",
            "next_check_at, id",
            "next_check_at = :next, updated_at = :now");

    List<String> claimDue(Instant now, Duration interval, int limit) {
        return claims.claim(DUE, Map.of("now", ts(now), "next", ts(now.plus(interval))), limit);
    }

    List<Domain> load(List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("SELECT * FROM sending_domains WHERE id IN (:ids) ORDER BY id")
                .param("ids", ids)
                .query(DOMAIN)
                .list();
    }
}
