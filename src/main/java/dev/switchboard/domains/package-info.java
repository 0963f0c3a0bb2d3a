/**
 * Sending domains: per tenant, the SPF include, DKIM selectors and DMARC policy its mail needs; a
 * check (on demand and scheduled) that reads the TXT records from the configured resolver and emits
 * {@code switchboard.domain.check_failed}; and deliverability, the 7-day bounce, complaint and spam
 * rates per domain counted from the providers' processed webhook events, with an event when a rate
 * crosses its threshold.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"common", "tenancy", "egress", "outbound", "inbound"})
package dev.switchboard.domains;
