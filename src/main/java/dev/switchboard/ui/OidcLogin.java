package dev.switchboard.ui;

import dev.switchboard.audit.SignInEvents;
import dev.switchboard.egress.OidcHttp;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Sign-in with the operator's OpenID Connect identity provider: Spring Security's {@code oauth2Login}
 * (authorization code with PKCE and a nonce, the ID token's signature and claims checked), with every
 * call to the provider made by {@link OidcHttp} through the egress guard. The provider's discovery
 * document is read at the first sign-in, not at start-up, so a provider that is down does not stop
 * the server. The user's claims name the role (platform admin, tenant admin, viewer) and the tenant;
 * the session then holds a {@link Caller} like a key's, so every page and its access checks work
 * unchanged. A user whose claims map to no role (or to no active tenant) is refused. Nothing the
 * provider returns (tokens) is kept: the session holds only the caller.
 */
final class OidcLogin {

    static final String REGISTRATION = "oidc";
    static final String AUTHORIZE = "/ui/oauth2/authorization";
    static final String CALLBACK = "/ui/oauth2/code/*";
    static final String ACTION = "ui.sign-in.oidc";

    /** A session keeps at most this many granted tenants to switch between (a claim is the provider's input). */
    static final int MAX_GRANTED = 100;

    /** Why a user the provider vouched for is not let in: the refusal page says which. */
    enum Refusal {
        NO_ROLE("no-role"),
        NO_TENANT("no-tenant");

        final String wire;

        Refusal(String wire) {
            this.wire = wire;
        }
    }

    /**
     * A user's claims mapped: a caller, or why there is none; {@code tenants} are the tenants the
     * claims grant (the caller is scoped to the first active one; the user may switch to the others).
     */
    record Mapping(Optional<Caller> caller, Refusal refusal, Role role, List<String> tenants) {
        Mapping(Optional<Caller> caller, Refusal refusal, Role role) {
            this(caller, refusal, role, List.of());
        }
    }

    private final UiProperties.Oidc settings;
    private final OidcHttp http;
    private final UiSessions sessions;
    private final SignInLimits limits;
    private final SignInEvents events;
    private volatile ClientRegistration registration;

    OidcLogin(
            UiProperties.Oidc settings, OidcHttp http, UiSessions sessions, SignInLimits limits, SignInEvents events) {
        this.settings = settings;
        this.http = http;
        this.sessions = sessions;
        this.limits = limits;
        this.events = events;
    }

    boolean enabled() {
        return settings.enabled();
    }

    UiProperties.Oidc settings() {
        return settings;
    }

    String label() {
        return settings.label();
    }

    void configure(HttpSecurity security) throws Exception {
        ClientRegistrationRepository registrations = id -> REGISTRATION.equals(id) ? registration() : null;
        var requests = new DefaultOAuth2AuthorizationRequestResolver(registrations, AUTHORIZE);
        // PKCE for a confidential client too: a stolen code is of no use without the verifier.
        requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        security.oauth2Login(o -> o.clientRegistrationRepository(registrations)
                .authorizedClientRepository(NOTHING_KEPT)
                .loginPage(UiSecurity.SIGN_IN)
                .authorizationEndpoint(a -> a.authorizationRequestResolver(requests))
                .redirectionEndpoint(r -> r.baseUri(CALLBACK))
                .tokenEndpoint(t -> t.accessTokenResponseClient(http.tokenClient()))
                .userInfoEndpoint(u -> u.oidcUserService(http.userService()))
                .successHandler(this::succeeded)
                .failureHandler(this::failed));
    }

    /**
     * The provider's registration, from its discovery document on first use; a failure is thrown
     * (and tried again at the next sign-in).
     */
    ClientRegistration registration() {
        ClientRegistration r = registration;
        if (r != null) return r;
        synchronized (this) {
            if (registration == null) registration = discover();
            return registration;
        }
    }

    private ClientRegistration discover() {
        Map<String, Object> metadata = http.discover(settings.issuer());
        if (!strip(settings.issuer()).equals(strip(String.valueOf(metadata.get("issuer"))))) {
            // OIDC Discovery 4.3: the document must be the configured issuer's own.
            throw new IllegalStateException("the discovery document names another issuer: " + metadata.get("issuer"));
        }
        var methods = metadata.get("token_endpoint_auth_methods_supported");
        boolean postOnly = methods instanceof Collection<?> c
                && !c.contains("client_secret_basic")
                && c.contains("client_secret_post");
        String base = settings.publicUrl() == null || settings.publicUrl().isBlank()
                ? "{baseUrl}"
                : strip(settings.publicUrl());
        return ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(
                        postOnly
                                ? ClientAuthenticationMethod.CLIENT_SECRET_POST
                                : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(base + "/ui/oauth2/code/{registrationId}")
                .scope(settings.scopes())
                .authorizationUri(text(metadata, "authorization_endpoint"))
                .tokenUri(text(metadata, "token_endpoint"))
                .jwkSetUri(text(metadata, "jwks_uri"))
                .userInfoUri((String) metadata.get("userinfo_endpoint"))
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .issuerUri(settings.issuer())
                .providerConfigurationMetadata(metadata)
                .clientName(settings.label())
                .build();
    }

    /** The claims → role and tenant mapping the settings name. */
    Mapping map(Map<String, Object> claims) {
        List<String> roles = values(claims.get(settings.rolesClaim()));
        Role role = roles.contains(settings.platformAdminRole())
                ? Role.PLATFORM_ADMIN
                : roles.contains(settings.tenantAdminRole())
                        ? Role.ADMIN
                        : roles.contains(settings.viewerRole()) ? Role.VIEWER : null;
        Object subject = claims.get(IdTokenClaimNames.SUB);
        if (role == null || subject == null) return new Mapping(Optional.empty(), Refusal.NO_ROLE, null);
        if (role == Role.PLATFORM_ADMIN) {
            return new Mapping(sessions.signIn().signInAs(subject.toString(), role, null), null, role);
        }
        // The first of the user's tenants that exists and is active.
        List<String> granted = values(claims.get(settings.tenantsClaim())).stream()
                .distinct()
                .limit(MAX_GRANTED)
                .toList();
        // The switcher offers the ones that can be used now; a switch checks again.
        List<Caller> callers = granted.stream()
                .flatMap(tenant -> sessions.signIn().signInAs(subject.toString(), role, tenant).stream())
                .toList();
        if (!callers.isEmpty()) {
            return new Mapping(
                    Optional.of(callers.getFirst()),
                    null,
                    role,
                    callers.stream().map(Caller::tenantId).toList());
        }
        return new Mapping(Optional.empty(), Refusal.NO_TENANT, role);
    }

    private void succeeded(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        Map<String, Object> claims =
                authentication.getPrincipal() instanceof OidcUser user ? user.getClaims() : Map.of();
        Mapping mapping = map(claims);
        if (mapping.caller().isEmpty()) {
            // Vouched for by the provider, but not one of ours: no session, and the page says why.
            SecurityContextHolder.clearContext();
            var session = request.getSession(false);
            if (session != null) session.invalidate();
            limits.failed(request, null);
            Object subject = claims.get(IdTokenClaimNames.SUB);
            events.record(
                    request,
                    null,
                    subject == null ? null : "oidc:" + subject,
                    mapping.role() == null ? null : mapping.role().wire(),
                    ACTION,
                    HttpServletResponse.SC_FORBIDDEN);
            response.sendRedirect(UiSecurity.REFUSED + "?reason=" + mapping.refusal().wire);
            return;
        }
        Caller caller = mapping.caller().get();
        sessions.begin(caller, request, response);
        if (mapping.tenants().size() > 1) UiSessions.grant(request, mapping.tenants());
        events.record(
                request, caller.tenantId(), caller.keyId(), caller.role().wire(), ACTION, HttpServletResponse.SC_FOUND);
        response.sendRedirect("/");
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        limits.failed(request, null);
        events.record(request, null, null, null, ACTION, HttpServletResponse.SC_UNAUTHORIZED);
        response.sendRedirect(UiSecurity.SIGN_IN + "?oidc-failed");
    }

    /** A claim's values: a list of strings, or one string of values separated by spaces or commas. */
    static List<String> values(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof Collection<?> c) {
            for (Object o : c)
                if (o != null && !o.toString().isBlank()) out.add(o.toString().strip());
        } else if (claim != null) {
            for (String s : claim.toString().split("[,\\s]+")) if (!s.isBlank()) out.add(s);
        }
        return out;
    }

    private static String text(Map<String, Object> metadata, String name) {
        Object v = metadata.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalStateException("the discovery document has no " + name);
        }
        return s;
    }

    private static String strip(String url) {
        return url.replaceAll("/+$", "");
    }

    /** The provider's tokens are used once, to sign in, and never kept. */
    private static final OAuth2AuthorizedClientRepository NOTHING_KEPT = new OAuth2AuthorizedClientRepository() {
        @Override
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(
                String id, Authentication principal, HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(
                OAuth2AuthorizedClient client,
                Authentication principal,
                HttpServletRequest request,
                HttpServletResponse response) {}

        @Override
        public void removeAuthorizedClient(
                String id, Authentication principal, HttpServletRequest request, HttpServletResponse response) {}
    };
}
