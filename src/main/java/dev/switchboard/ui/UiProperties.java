package dev.switchboard.ui;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The dashboard's sign-in settings.
 *
 * @param oidc sign-in with an OpenID Connect identity provider; off unless an issuer is set
 * @param signIn the limit on failed sign-ins
 */
@Validated
@ConfigurationProperties("switchboard.ui")
record UiProperties(
        @Valid @DefaultValue Oidc oidc, @Valid @DefaultValue SignIn signIn) {

    /**
     * @param issuer the issuer URL ({@code SWITCHBOARD_UI_OIDC_ISSUER}); its discovery document names the rest
     * @param clientId the client registered at the identity provider
     * @param clientSecret its secret
     * @param scopes asked for; {@code openid} is always among them
     * @param label what the sign-in button says after "Sign in with"
     * @param publicUrl the public base URL the provider sends the browser back to (the redirect URI is
     *     {@code <publicUrl>/ui/oauth2/code/oidc}); empty: the request's own
     * @param rolesClaim the claim that carries a user's roles (a list, or one string)
     * @param tenantsClaim the claim that carries the tenants a user belongs to (a list, or one string);
     *     the session starts in the first active one, and the user may switch to the others
     * @param platformAdminRole the value of the roles claim that makes a platform admin
     * @param tenantAdminRole the value that makes a tenant admin (of the user's tenant)
     * @param viewerRole the value that makes a viewer (of the user's tenant, read-only)
     * @param timeout for each call to the identity provider, as a whole (connect, request, the whole
     *     answer): a provider that answers slowly fails the sign-in when it is up
     */
    record Oidc(
            String issuer,
            String clientId,
            String clientSecret,
            @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
            @DefaultValue("single sign-on") String label,
            String publicUrl,
            @DefaultValue("roles") String rolesClaim,
            @DefaultValue("tenants") String tenantsClaim,
            @DefaultValue("platform_admin") String platformAdminRole,
            @DefaultValue("tenant_admin") String tenantAdminRole,
            @DefaultValue("viewer") String viewerRole,
            @DefaultValue("10s") Duration timeout) {

        Oidc {
            if (enabled(issuer) && (clientId == null || clientId.isBlank())) {
                throw new IllegalArgumentException("switchboard.ui.oidc.client-id is required with an issuer");
            }
            if (!scopes.contains("openid")) {
                scopes = new java.util.ArrayList<>(scopes);
                scopes.addFirst("openid");
            }
            scopes = List.copyOf(scopes);
        }

        boolean enabled() {
            return enabled(issuer);
        }

        private static boolean enabled(String issuer) {
            return issuer != null && !issuer.isBlank();
        }

        @Override
        public String toString() {
            return "Oidc[issuer=" + issuer + ", clientId=" + clientId + "]";
        }
    }

    /**
     * Failed sign-ins (a wrong key, a refused OIDC sign-in) are limited per client address and per
     * key id; past the limit the sign-in page answers 429 without checking anything.
     *
     * @param failuresPerMinute per client address; 0 turns the limit off
     * @param failuresBurst failures allowed at once per client address
     * @param keyFailuresPerMinute per key id (the {@code sb_<id>} part of a key), from any address
     * @param keyFailuresBurst failures allowed at once per key id
     */
    record SignIn(
            @DefaultValue("10") @Min(0) double failuresPerMinute,
            @DefaultValue("10") @Min(1) int failuresBurst,
            @DefaultValue("30") @Min(0) double keyFailuresPerMinute,
            @DefaultValue("30") @Min(1) int keyFailuresBurst) {}
}
