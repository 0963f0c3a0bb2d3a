package dev.switchboard.egress;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which private ranges outbound calls may reach, by who controls the URL. Both lists are empty by
 * default: every private, loopback, link-local and reserved range is blocked. Each entry is a CIDR
 * range ({@code 10.0.0.0/8}, {@code fd00::/8}); a malformed one stops the server at start.
 *
 * @param tenantAllowedNetworks ranges that URLs a tenant controls may reach: endpoint URLs and a
 *     connection's {@code config.baseUrl} ({@code SWITCHBOARD_EGRESS_TENANT_ALLOWED_NETWORKS},
 *     comma-separated; the deprecated {@code SWITCHBOARD_OUTBOUND_ALLOWED_NETWORKS} still sets it)
 * @param operatorAllowedNetworks further ranges that URLs the operator defines may reach: the token,
 *     health-check and API URLs of the provider catalog ({@code SWITCHBOARD_EGRESS_OPERATOR_ALLOWED_NETWORKS});
 *     operator URLs may also reach the tenant ranges
 */
@ConfigurationProperties("switchboard.egress")
record EgressProperties(
        @DefaultValue List<String> tenantAllowedNetworks,
        @DefaultValue List<String> operatorAllowedNetworks) {

    EgressProperties {
        tenantAllowedNetworks = checked("switchboard.egress.tenant-allowed-networks", tenantAllowedNetworks);
        operatorAllowedNetworks = checked("switchboard.egress.operator-allowed-networks", operatorAllowedNetworks);
    }

    private static List<String> checked(String setting, List<String> ranges) {
        List<String> kept =
                ranges.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String range : kept) {
            try {
                Cidr.parse(range);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        setting + ": '" + range + "' is not a CIDR range such as 10.0.0.0/8 or fd00::/8", e);
            }
        }
        return kept;
    }
}
