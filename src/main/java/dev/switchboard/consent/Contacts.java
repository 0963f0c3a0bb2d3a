package dev.switchboard.consent;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The use case behind the contacts API: contacts (sealed, shown masked), their consent per channel
 * and purpose (every change kept with its source and evidence), the can-send check, export and
 * erasure. Plaintext personal data leaves only through {@link #export}.
 */
@Service
class Contacts {

    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_.-]{0,31}");
    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z0-9-]{2,63}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{6,15}");
    static final String GRANTED = "granted";
    static final String WITHDRAWN = "withdrawn";

    record NewContact(String externalId, String email, String phone, List<ChoiceInput> consents, String source) {}

    record ChoiceInput(String channel, String purpose, String status, String source, String evidence) {}

    /** A contact as lists show it: masked. */
    record View(
            String id,
            String externalId,
            String email,
            String phone,
            boolean erased,
            Instant createdAt,
            Instant updatedAt) {}

    record HistoryView(String channel, String purpose, String status, String source, String evidence, Instant at) {}

    record ConsentView(String contactId, List<ContactRepository.Choice> choices, List<HistoryView> history) {}

    record CanSend(String contactId, String channel, String purpose, boolean allowed, String consent) {}

    /** A data-subject export: everything stored about the contact, readable. */
    record Export(
            String id,
            String externalId,
            String email,
            String phone,
            List<ContactRepository.Choice> choices,
            List<HistoryView> history,
            Instant createdAt) {}

    private final ContactRepository contacts;
    private final ContactKeys keys;
    private final TransactionTemplate tx;
    private final Clock clock;

    Contacts(ContactRepository contacts, ContactKeys keys, TransactionTemplate tx, Clock clock) {
        this.contacts = contacts;
        this.keys = keys;
        this.tx = tx;
        this.clock = clock;
    }

    View create(String tenantId, NewContact in) {
        String externalId = in.externalId();
        if (externalId != null
                && (externalId.isBlank() || externalId.length() > 200 || externalId.indexOf('\0') >= 0)) {
            throw ApiException.invalid("externalId", "must be 1 to 200 characters");
        }
        String email = in.email() == null ? null : in.email().strip();
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            throw ApiException.invalid("email", "must be an e-mail address");
        }
        String phone = in.phone() == null ? null : in.phone().replaceAll("[\\s()-]", "");
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw ApiException.invalid("phone", "must be a phone number, E.164 (+ and 6 to 15 digits)");
        }
        if (externalId == null && email == null && phone == null) {
            throw ApiException.invalid("externalId", "externalId, email or phone is required");
        }
        List<ChoiceInput> choices = in.consents() == null ? List.of() : in.consents();
        for (int i = 0; i < choices.size(); i++) check(choices.get(i), "consents[" + i + "].");
        // Computed before the transaction: the first use of the index key stores it.
        String index = externalId == null ? null : index(tenantId, externalId);
        String id = Ids.next("ct");
        Instant now = Sql.now(clock);
        var key = keys.create(tenantId, id);
        var row = new ContactRepository.Row(
                id,
                tenantId,
                key.key().seal("external_id", externalId),
                key.key().seal("email", email),
                key.key().seal("phone", phone),
                Masks.externalId(externalId),
                Masks.email(email),
                Masks.phone(phone),
                key.sealed(),
                null,
                now,
                now);
        try {
            tx.executeWithoutResult(s -> {
                contacts.insert(row, index);
                for (ChoiceInput c : choices) record(tenantId, id, key.key(), c, in.source(), now);
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("A contact with this externalId exists.");
        }
        return view(row);
    }

    Page<View> list(String tenantId, String externalId, PageRequest page) {
        if (externalId != null && !externalId.isEmpty()) {
            // One or none: found by the index, never by comparing plaintext.
            return new Page<>(
                    contacts.findByExternalIdInTenant(tenantId, index(tenantId, externalId)).stream()
                            .map(Contacts::view)
                            .toList(),
                    null);
        }
        return Page.of(contacts.listInTenant(tenantId, page), page, r -> new Cursor(r.createdAt(), r.id()))
                .map(Contacts::view);
    }

    View get(String tenantId, String id) {
        return view(find(tenantId, id));
    }

    ConsentView consent(String tenantId, String id) {
        var row = find(tenantId, id);
        var key = keys.open(tenantId, id, row.dataKey());
        return new ConsentView(id, contacts.choicesInTenant(tenantId, id), history(tenantId, id, key));
    }

    List<ContactRepository.Choice> choices(String tenantId, String id) {
        find(tenantId, id);
        return contacts.choicesInTenant(tenantId, id);
    }

    /** Records changes to a contact's choices, in one transaction; returns the choices after. */
    List<ContactRepository.Choice> change(String tenantId, String id, List<ChoiceInput> changes) {
        if (changes == null || changes.isEmpty()) throw ApiException.invalid("choices", "at least one is required");
        for (int i = 0; i < changes.size(); i++)
            check(changes.get(i), changes.size() == 1 ? "" : "choices[" + i + "].");
        var row = find(tenantId, id);
        if (row.erasedAt() != null) throw ApiException.conflict("This contact was erased.");
        var key = keys.open(tenantId, id, row.dataKey());
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            for (ChoiceInput c : changes) record(tenantId, id, key, c, null, now);
        });
        return contacts.choicesInTenant(tenantId, id);
    }

    CanSend canSend(String tenantId, String contactId, String channel, String purpose) {
        if (contactId == null || contactId.isEmpty()) throw ApiException.invalid("contact", "is required");
        channel(channel, "channel");
        purpose(purpose, "purpose");
        find(tenantId, contactId);
        String status =
                contacts.statusInTenant(tenantId, contactId, channel, purpose).orElse("missing");
        return new CanSend(contactId, channel, purpose, status.equals(GRANTED), status);
    }

    Export export(String tenantId, String id) {
        var row = find(tenantId, id);
        var key = keys.open(tenantId, id, row.dataKey());
        return new Export(
                id,
                key == null ? null : key.open("external_id", row.externalId()),
                key == null ? null : key.open("email", row.email()),
                key == null ? null : key.open("phone", row.phone()),
                contacts.choicesInTenant(tenantId, id),
                history(tenantId, id, key),
                row.createdAt());
    }

    /** Withdraws every consent and destroys the contact's data key; repeating it changes nothing. */
    View erase(String tenantId, String id) {
        find(tenantId, id);
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            for (var c : contacts.grantedInTenant(tenantId, id)) {
                record(
                        tenantId,
                        id,
                        null,
                        new ChoiceInput(c.channel(), c.purpose(), WITHDRAWN, "erasure", null),
                        null,
                        now);
            }
            contacts.erase(tenantId, id, now);
        });
        return view(find(tenantId, id));
    }

    /**
     * Withdraws one consent from an unsubscribe link. A contact erased or gone in the meantime has
     * nothing left to withdraw: that is not an error to the person clicking.
     */
    void unsubscribe(String tenantId, String contactId, String channel, String purpose, String evidence) {
        var row = contacts.findInTenant(tenantId, contactId).orElse(null);
        if (row == null || row.erasedAt() != null) return;
        var key = keys.open(tenantId, contactId, row.dataKey());
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> record(
                tenantId,
                contactId,
                key,
                new ChoiceInput(channel, purpose, WITHDRAWN, "unsubscribe-link", evidence),
                null,
                now));
    }

    /** The contact's current status for a channel and purpose: granted, withdrawn or missing. */
    String status(String tenantId, String contactId, String channel, String purpose) {
        return contacts.statusInTenant(tenantId, contactId, channel, purpose).orElse("missing");
    }

    boolean exists(String tenantId, String contactId) {
        return contacts.findInTenant(tenantId, contactId).isPresent();
    }

    private void record(
            String tenantId,
            String contactId,
            ContactKeys.DataKey key,
            ChoiceInput c,
            String defaultSource,
            Instant now) {
        String source = c.source() != null ? c.source() : defaultSource != null ? defaultSource : "api";
        if (contacts.setChoice(tenantId, contactId, c.channel(), c.purpose(), c.status(), now)) {
            contacts.insertChange(
                    tenantId,
                    contactId,
                    new ContactRepository.Change(
                            Ids.next("cch"),
                            c.channel(),
                            c.purpose(),
                            c.status(),
                            source,
                            key == null ? null : key.seal("evidence:" + c.channel() + ":" + c.purpose(), c.evidence()),
                            now));
        }
    }

    private List<HistoryView> history(String tenantId, String id, ContactKeys.DataKey key) {
        List<HistoryView> out = new ArrayList<>();
        for (var h : contacts.historyInTenant(tenantId, id)) {
            String evidence =
                    key == null ? null : key.open("evidence:" + h.channel() + ":" + h.purpose(), h.evidence());
            out.add(new HistoryView(h.channel(), h.purpose(), h.status(), h.source(), evidence, h.occurredAt()));
        }
        return out;
    }

    private ContactRepository.Row find(String tenantId, String id) {
        return contacts.findInTenant(tenantId, id).orElseThrow(() -> ApiException.notFound("contact"));
    }

    private String index(String tenantId, String externalId) {
        return HexFormat.of().formatHex(keys.mac(ContactKeys.INDEX, tenantId + "\n" + externalId));
    }

    static void check(ChoiceInput c, String prefix) {
        if (c == null) throw ApiException.invalid(prefix.isEmpty() ? "choice" : prefix, "is required");
        channel(c.channel(), prefix + "channel");
        purpose(c.purpose(), prefix + "purpose");
        if (!GRANTED.equals(c.status()) && !WITHDRAWN.equals(c.status())) {
            throw ApiException.invalid(prefix + "status", "must be granted or withdrawn");
        }
        if (c.source() != null
                && (c.source().isBlank()
                        || c.source().length() > 64
                        || c.source().indexOf('\0') >= 0)) {
            throw ApiException.invalid(prefix + "source", "must be 1 to 64 characters");
        }
        if (c.evidence() != null
                && (c.evidence().length() > 2000 || c.evidence().indexOf('\0') >= 0)) {
            throw ApiException.invalid(prefix + "evidence", "must be at most 2000 characters");
        }
    }

    static String channel(String channel, String field) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw ApiException.invalid(field, "must be a channel name such as email, sms, whatsapp, push");
        }
        return channel;
    }

    static String purpose(String purpose, String field) {
        if (purpose == null || !PURPOSE.matcher(purpose).matches()) {
            throw ApiException.invalid(field, "must be a purpose such as transactional or marketing");
        }
        return purpose;
    }

    private static View view(ContactRepository.Row r) {
        return new View(
                r.id(),
                r.externalIdMask(),
                r.emailMask(),
                r.phoneMask(),
                r.erasedAt() != null,
                r.createdAt(),
                r.updatedAt());
    }
}
