package dev.switchboard.egress;

/**
 * The SSRF guards, one per kind of URL. A caller picks by who controls the URL it calls: a tenant
 * (endpoint URLs, a connection's {@code config.baseUrl}, anything filled in from a tenant's input)
 * or the operator (the provider catalog's URLs). The operator's guard allows the tenant ranges too.
 */
public record UrlGuards(UrlGuard tenant, UrlGuard operator) {

    static UrlGuards of(EgressProperties properties) {
        var operatorRanges = new java.util.ArrayList<>(properties.tenantAllowedNetworks());
        operatorRanges.addAll(properties.operatorAllowedNetworks());
        return new UrlGuards(
                new UrlGuard(AddressPolicy.allowing(properties.tenantAllowedNetworks())),
                new UrlGuard(AddressPolicy.allowing(operatorRanges)));
    }
}
