/**
 * The one way out: every outbound connection goes through the SSRF guards (one allow-list for URLs
 * tenants control, one for URLs the operator defines), the safe HTTP clients and their deadlines.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common"})
package dev.switchboard.egress;
