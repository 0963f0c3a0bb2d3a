package dev.switchboard.consent;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Contacts and consent")
@RestController
class ContactController {

    record Preferences(List<Contacts.ChoiceInput> choices) {}

    record LinkRequest(String channel, String purpose) {}

    record LinkView(String url) {}

    private final Contacts contacts;
    private final ConsentGate gate;

    ContactController(Contacts contacts, ConsentGate gate) {
        this.contacts = contacts;
        this.gate = gate;
    }

    @Operation(summary = "Add a contact (externalId, email, phone: stored sealed, shown masked) with initial consents")
    @PostMapping("/api/v1/tenants/{tenant}/contacts")
    ResponseEntity<Contacts.View> create(TenantScope scope, @RequestBody Contacts.NewContact in) {
        return ResponseEntity.status(HttpStatus.CREATED).body(contacts.create(scope.tenantId(), in));
    }

    @Operation(summary = "Contacts, newest first, masked; externalId finds one by its exact external id")
    @GetMapping("/api/v1/tenants/{tenant}/contacts")
    Page<Contacts.View> list(
            TenantScope scope,
            @RequestParam(required = false) String externalId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return contacts.list(scope.tenantId(), externalId, PageRequest.of(limit, cursor));
    }

    @Operation(summary = "One contact, masked")
    @GetMapping("/api/v1/tenants/{tenant}/contacts/{id}")
    Contacts.View get(TenantScope scope, @PathVariable String id) {
        return contacts.get(scope.tenantId(), id);
    }

    @Operation(summary = "A contact's consent per channel and purpose, with every change (time, source, evidence)")
    @GetMapping("/api/v1/tenants/{tenant}/contacts/{id}/consent")
    Contacts.ConsentView consent(TenantScope scope, @PathVariable String id) {
        return contacts.consent(scope.tenantId(), id);
    }

    @Operation(summary = "Record one consent change: channel, purpose, status (granted|withdrawn), source, evidence")
    @PostMapping("/api/v1/tenants/{tenant}/contacts/{id}/consent")
    List<ContactRepository.Choice> change(
            TenantScope scope, @PathVariable String id, @RequestBody Contacts.ChoiceInput choice) {
        if (choice == null) throw ApiException.invalid("channel", "is required");
        return contacts.change(scope.tenantId(), id, List.of(choice));
    }

    @Operation(summary = "A contact's preferences: the current choice per channel and purpose")
    @GetMapping("/api/v1/tenants/{tenant}/contacts/{id}/preferences")
    List<ContactRepository.Choice> preferences(TenantScope scope, @PathVariable String id) {
        return contacts.choices(scope.tenantId(), id);
    }

    @Operation(summary = "Change several of a contact's preferences at once: {\"choices\":[…]}")
    @PutMapping("/api/v1/tenants/{tenant}/contacts/{id}/preferences")
    List<ContactRepository.Choice> setPreferences(
            TenantScope scope, @PathVariable String id, @RequestBody Preferences in) {
        return contacts.change(scope.tenantId(), id, in == null ? null : in.choices());
    }

    @Operation(
            summary =
                    "Whether a message may be sent to a contact on a channel for a purpose (the platform's own check)")
    @GetMapping("/api/v1/tenants/{tenant}/consent/can-send")
    Contacts.CanSend canSend(
            TenantScope scope,
            @RequestParam(required = false) String contact,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String purpose) {
        return contacts.canSend(scope.tenantId(), contact, channel, purpose);
    }

    @Operation(summary = "A signed one-click unsubscribe link for a contact, channel and purpose")
    @PostMapping("/api/v1/tenants/{tenant}/contacts/{id}/unsubscribe-links")
    ResponseEntity<LinkView> link(TenantScope scope, @PathVariable String id, @RequestBody LinkRequest in) {
        if (in == null) throw ApiException.invalid("channel", "is required");
        Contacts.channel(in.channel(), "channel");
        Contacts.purpose(in.purpose(), "purpose");
        contacts.get(scope.tenantId(), id);
        String url = gate.url(scope.tenantId(), new ConsentGate.Consent(id, in.channel(), in.purpose()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new LinkView(url));
    }

    @Operation(summary = "Export everything stored about a contact, readable (a data-subject request; audited)")
    @PostMapping("/api/v1/tenants/{tenant}/contacts/{id}/export")
    Contacts.Export export(TenantScope scope, @PathVariable String id) {
        return contacts.export(scope.tenantId(), id);
    }

    @Operation(summary = "Erase a contact: its consents withdrawn and its data key destroyed (crypto-shredding)")
    @PostMapping("/api/v1/tenants/{tenant}/contacts/{id}/erase")
    Contacts.View erase(TenantScope scope, @PathVariable String id) {
        return contacts.erase(scope.tenantId(), id);
    }
}
