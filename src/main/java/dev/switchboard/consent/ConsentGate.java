package dev.switchboard.consent;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outbox's view of consent: a job may carry {@code "consent":{"contact","channel","purpose"}};
 * it is checked when the job is queued ({@link #check}, 403 {@code consent_missing}, nothing queued)
 * and again just before each send ({@link #holds}: withdrawn in between, the job is blocked). E-mail
 * jobs through Resend or SendGrid also get the RFC 8058 headers pointing at a signed link.
 */
@Component
public class ConsentGate {

    /** The consent a job is queued under. */
    public record Consent(String contact, String channel, String purpose) {}

    /** Providers whose send-mail API takes extra message headers as a {@code headers} object in the body. */
    private static final Set<String> EMAIL_PROVIDERS = Set.of("resend", "sendgrid");

    private final Contacts contacts;
    private final ContactRepository repository;
    private final UnsubscribeLinks links;
    private final ConsentProperties properties;
    private final JsonMapper json;

    ConsentGate(
            Contacts contacts,
            ContactRepository repository,
            UnsubscribeLinks links,
            ConsentProperties properties,
            JsonMapper json) {
        this.contacts = contacts;
        this.repository = repository;
        this.links = links;
        this.properties = properties;
        this.json = json;
    }

    /**
     * Reads and checks a job's {@code consent}: null when the job has none; a 400 when it is not
     * well-formed, a 404 for a contact the tenant does not have, a 403 {@code consent_missing} unless
     * the contact has granted that channel and purpose.
     */
    public Consent check(String tenantId, JsonNode consent) {
        if (consent == null || consent.isNull() || consent.isMissingNode()) return null;
        if (!consent.isObject()) throw ApiException.invalid("consent", "must be an object: contact, channel, purpose");
        String contact = text(consent, "contact");
        if (contact == null || contact.isEmpty() || contact.length() > 40) {
            throw ApiException.invalid("consent.contact", "is required: a contact id");
        }
        String channel = Contacts.channel(text(consent, "channel"), "consent.channel");
        String purpose = Contacts.purpose(text(consent, "purpose"), "consent.purpose");
        if (!contacts.exists(tenantId, contact)) throw ApiException.notFound("contact");
        String status = contacts.status(tenantId, contact, channel, purpose);
        if (!status.equals(Contacts.GRANTED)) {
            throw new ApiException(
                    ErrorCode.CONSENT_MISSING,
                    "The contact has not consented to " + channel + " for " + purpose + " (" + status
                            + "); nothing was queued.");
        }
        return new Consent(contact, channel, purpose);
    }

    /** Records the job's consent; call in the transaction that stores the job. */
    public void attach(String tenantId, String jobId, Consent c) {
        repository.attachToJob(
                tenantId, jobId, new ContactRepository.JobConsent(c.contact(), c.channel(), c.purpose()));
    }

    /** Just before a send: false when the job carries a consent that no longer holds. */
    public boolean holds(String tenantId, String jobId) {
        return repository.jobConsentHolds(tenantId, jobId).orElse(true);
    }

    /**
     * The body of an e-mail job with {@code List-Unsubscribe} (a signed one-click link for this
     * contact, channel and purpose) and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}
     * added to its {@code headers}; the body unchanged for other providers, channels and non-JSON
     * bodies. Headers the caller set are kept.
     */
    public byte[] withUnsubscribeHeaders(String tenantId, String provider, Consent c, byte[] body, boolean bodyJson) {
        if (c == null
                || body == null
                || !bodyJson
                || !EMAIL_PROVIDERS.contains(provider)
                || !c.channel().equals("email")) {
            return body;
        }
        JsonNode tree = json.readTree(body);
        if (!(tree instanceof ObjectNode mail)) return body;
        String url = url(tenantId, c);
        JsonNode existing = mail.get("headers");
        ObjectNode headers = existing instanceof ObjectNode h ? h : mail.putObject("headers");
        for (var h : Map.of("List-Unsubscribe", "<" + url + ">", "List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
                .entrySet()) {
            if (!headers.has(h.getKey())) headers.put(h.getKey(), h.getValue());
        }
        return json.writeValueAsBytes(mail);
    }

    /** A signed unsubscribe link for this contact, channel and purpose. */
    String url(String tenantId, Consent c) {
        return base() + "/unsubscribe/"
                + links.token(tenantId, c.contact(), c.channel(), c.purpose(), properties.linkTtl());
    }

    private String base() {
        String configured = properties.publicUrl();
        if (configured != null && !configured.isBlank()) return configured.replaceAll("/+$", "");
        if (RequestContextHolder.getRequestAttributes() != null) {
            return ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        }
        return "http://localhost:8080";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.asString() : null;
    }
}
