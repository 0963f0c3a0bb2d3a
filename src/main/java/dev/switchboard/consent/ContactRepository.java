package dev.switchboard.consent;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Contacts, their consent and its history, and the consent each outbox job was queued under. */
@Repository
class ContactRepository {

    /** A contact as stored: its fields sealed with its data key, which is null once erased. */
    record Row(
            String id,
            String tenantId,
            byte[] externalId,
            byte[] email,
            byte[] phone,
            String externalIdMask,
            String emailMask,
            String phoneMask,
            byte[] dataKey,
            Instant erasedAt,
            Instant createdAt,
            Instant updatedAt) {}

    record Choice(String channel, String purpose, String status, Instant updatedAt) {}

    record Change(
            String id,
            String channel,
            String purpose,
            String status,
            String source,
            byte[] evidence,
            Instant occurredAt) {}

    /** The consent a job carries: whose, for which channel and purpose. */
    record JobConsent(String contactId, String channel, String purpose) {}

    private static final RowMapper<Row> ROW = (rs, n) -> new Row(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getBytes("external_id"),
            rs.getBytes("email"),
            rs.getBytes("phone"),
            rs.getString("external_id_mask"),
            rs.getString("email_mask"),
            rs.getString("phone_mask"),
            rs.getBytes("data_key"),
            instant(rs, "erased_at"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"));

    private final JdbcClient jdbc;

    ContactRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Row r, String externalIdIndex) {
        jdbc.sql("""
                INSERT INTO contacts (id, tenant_id, external_id_index, external_id, email, phone, external_id_mask,
                    email_mask, phone_mask, data_key, created_at, updated_at)
                VALUES (:id, :tenant, :index, :externalId, :email, :phone, :externalIdMask, :emailMask, :phoneMask,
                    :dataKey, :now, :now)
                """)
                .param("id", r.id())
                .param("tenant", r.tenantId())
                .param("index", externalIdIndex)
                .param("externalId", r.externalId())
                .param("email", r.email())
                .param("phone", r.phone())
                .param("externalIdMask", r.externalIdMask())
                .param("emailMask", r.emailMask())
                .param("phoneMask", r.phoneMask())
                .param("dataKey", r.dataKey())
                .param("now", ts(r.createdAt()))
                .update();
    }

    Optional<Row> findInTenant(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM contacts WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(ROW)
                .optional();
    }

    Optional<Row> findByExternalIdInTenant(String tenantId, String index) {
        return jdbc.sql("SELECT * FROM contacts WHERE tenant_id = :tenant AND external_id_index = :index")
                .param("tenant", tenantId)
                .param("index", index)
                .query(ROW)
                .optional();
    }

    /** Newest first. */
    List<Row> listInTenant(String tenantId, PageRequest page) {
        return page.select(jdbc, "SELECT * FROM contacts WHERE tenant_id = :tenant", "created_at")
                .param("tenant", tenantId)
                .query(ROW)
                .list();
    }

    List<Choice> choicesInTenant(String tenantId, String contactId) {
        return jdbc.sql("""
                SELECT channel, purpose, status, updated_at FROM contact_consents
                WHERE tenant_id = :tenant AND contact_id = :contact ORDER BY channel, purpose
                """)
                .param("tenant", tenantId)
                .param("contact", contactId)
                .query((rs, n) -> new Choice(
                        rs.getString("channel"),
                        rs.getString("purpose"),
                        rs.getString("status"),
                        instant(rs, "updated_at")))
                .list();
    }

    Optional<String> statusInTenant(String tenantId, String contactId, String channel, String purpose) {
        return jdbc.sql("""
                SELECT status FROM contact_consents
                WHERE tenant_id = :tenant AND contact_id = :contact AND channel = :channel AND purpose = :purpose
                """)
                .param("tenant", tenantId)
                .param("contact", contactId)
                .param("channel", channel)
                .param("purpose", purpose)
                .query(String.class)
                .optional();
    }

    /**
     * Sets a choice; returns false when it already was that (no history then). An update that
     * changes nothing is not a change: a repeated unsubscribe leaves one entry.
     */
    boolean setChoice(String tenantId, String contactId, String channel, String purpose, String status, Instant now) {
        int changed = jdbc.sql("""
                UPDATE contact_consents SET status = :status, updated_at = :now
                WHERE tenant_id = :tenant AND contact_id = :contact AND channel = :channel AND purpose = :purpose
                  AND status <> :status
                """)
                .param("tenant", tenantId)
                .param("contact", contactId)
                .param("channel", channel)
                .param("purpose", purpose)
                .param("status", status)
                .param("now", ts(now))
                .update();
        if (changed == 1) return true;
        if (statusInTenant(tenantId, contactId, channel, purpose).isPresent()) return false;
        jdbc.sql("""
                INSERT INTO contact_consents (tenant_id, contact_id, channel, purpose, status, updated_at)
                VALUES (:tenant, :contact, :channel, :purpose, :status, :now)
                """)
                .param("tenant", tenantId)
                .param("contact", contactId)
                .param("channel", channel)
                .param("purpose", purpose)
                .param("status", status)
                .param("now", ts(now))
                .update();
        return true;
    }

    void insertChange(String tenantId, String contactId, Change c) {
        jdbc.sql("""
                INSERT INTO consent_history (id, tenant_id, contact_id, channel, purpose, status, source, evidence,
                    occurred_at)
                VALUES (:id, :tenant, :contact, :channel, :purpose, :status, :source, :evidence, :at)
                """)
                .param("id", c.id())
                .param("tenant", tenantId)
                .param("contact", contactId)
                .param("channel", c.channel())
                .param("purpose", c.purpose())
                .param("status", c.status())
                .param("source", c.source())
                .param("evidence", c.evidence())
                .param("at", ts(c.occurredAt()))
                .update();
    }

    /** Oldest first. */
    List<Change> historyInTenant(String tenantId, String contactId) {
        return jdbc.sql("""
                SELECT * FROM consent_history WHERE tenant_id = :tenant AND contact_id = :contact
                ORDER BY occurred_at, id
                """)
                .param("tenant", tenantId)
                .param("contact", contactId)
                .query((rs, n) -> new Change(
                        rs.getString("id"),
                        rs.getString("channel"),
                        rs.getString("purpose"),
                        rs.getString("status"),
                        rs.getString("source"),
                        rs.getBytes("evidence"),
                        instant(rs, "occurred_at")))
                .list();
    }

    /**
     * Crypto-shreds a contact: its data key is destroyed (every sealed field and piece of evidence,
     * wherever a copy of it lies, is unreadable from now on) and its masks and index are cleared.
     * False when it was already erased.
     */
    boolean erase(String tenantId, String contactId, Instant now) {
        int n = jdbc.sql("""
                UPDATE contacts SET data_key = NULL, external_id_index = NULL, external_id_mask = NULL,
                    email_mask = NULL, phone_mask = NULL, erased_at = :now, updated_at = :now
                WHERE tenant_id = :tenant AND id = :id AND erased_at IS NULL
                """)
                .param("tenant", tenantId)
                .param("id", contactId)
                .param("now", ts(now))
                .update();
        return n == 1;
    }

    /** Every choice of the contact that is granted; the caller withdraws them. */
    List<Choice> grantedInTenant(String tenantId, String contactId) {
        return choicesInTenant(tenantId, contactId).stream()
                .filter(c -> c.status().equals("granted"))
                .toList();
    }

    void attachToJob(String tenantId, String jobId, JobConsent c) {
        jdbc.sql("""
                INSERT INTO outbox_job_consents (job_id, tenant_id, contact_id, channel, purpose)
                VALUES (:job, :tenant, :contact, :channel, :purpose)
                """)
                .param("job", jobId)
                .param("tenant", tenantId)
                .param("contact", c.contactId())
                .param("channel", c.channel())
                .param("purpose", c.purpose())
                .update();
    }

    /**
     * The job's consent and whether it holds now: empty for a job queued without one; otherwise
     * true only while the contact's choice for that channel and purpose is {@code granted}.
     */
    Optional<Boolean> jobConsentHolds(String tenantId, String jobId) {
        return jdbc.sql("""
                SELECT c.status FROM outbox_job_consents j
                LEFT JOIN contact_consents c ON c.contact_id = j.contact_id AND c.channel = j.channel
                    AND c.purpose = j.purpose AND c.tenant_id = j.tenant_id
                WHERE j.tenant_id = :tenant AND j.job_id = :job
                """)
                .param("tenant", tenantId)
                .param("job", jobId)
                .query((rs, n) -> "granted".equals(rs.getString(1)))
                .optional();
    }
}
