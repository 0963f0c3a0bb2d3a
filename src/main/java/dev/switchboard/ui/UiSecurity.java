package dev.switchboard.ui;

import dev.switchboard.audit.SignInEvents;
import dev.switchboard.egress.OidcHttp;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.tenancy.ApiKeySignIn;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The dashboard's own security chain: a server session started by pasting an API key once
 * ({@link SignInController}), CSRF tokens on every form and htmx request, and a Content-Security-Policy
 * that allows no inline script or style. It matches only the dashboard's paths, so the REST API's
 * chains (bearer keys, no sessions, no CSRF) are unchanged. Static assets are outside it: they need
 * no session, and loading them must not cost a key check.
 *
 * <p>With an issuer configured, OIDC sign-in ({@link OidcLogin}, Spring's {@code oauth2Login}) sits
 * beside the key sign-in in this chain; both end in the same kind of session. Failed sign-ins of
 * either kind are limited per client address ({@link SignInLimits}). Sign-out is audited here, as
 * Spring's logout filter answers it before any route.
 */
@Configuration(proxyBeanMethods = false)
class UiSecurity {

    static final String SIGN_IN = "/ui/sign-in";
    static final String SIGN_OUT = "/ui/sign-out";
    static final String DENIED = "/ui/denied";
    /** Starts an OIDC sign-in: checks the limit and the provider, then on to Spring's authorization redirect. */
    static final String SIGN_IN_OIDC = "/ui/sign-in/oidc";
    /** Where a user the identity provider vouched for, but who has no role here, is told so. */
    static final String REFUSED = "/ui/sign-in/refused";

    static final String CSP = dev.switchboard.common.PagePolicy.CSP;

    /** Where the sign-in and the session check keep the signed-in caller: the HTTP session only. */
    @Bean
    UiSessions uiSessions(ApiKeySignIn signIn) {
        return new UiSessions(new HttpSessionSecurityContextRepository(), signIn);
    }

    @Bean
    SignInLimits signInLimits(UiProperties properties, Clock clock) {
        return new SignInLimits(properties.signIn(), clock);
    }

    /** The identity provider's calls, through the operator's egress guard (the issuer is the operator's). */
    @Bean
    OidcHttp oidcHttp(UrlGuards guards, UiProperties properties) {
        return OidcHttp.create(guards.operator(), properties.oidc().timeout());
    }

    /** Spring's OIDC login looks this bean up to check ID tokens: ours fetches the keys through egress. */
    @Bean
    JwtDecoderFactory<ClientRegistration> oidcIdTokenDecoders(OidcHttp http) {
        return http.idTokenDecoders();
    }

    /** The OIDC sign-in; configured into the chain only when an issuer is set. */
    @Bean
    OidcLogin oidcLogin(
            UiProperties properties, OidcHttp http, UiSessions sessions, SignInLimits limits, SignInEvents events) {
        return new OidcLogin(properties.oidc(), http, sessions, limits, events);
    }

    @Bean
    @Order(-10)
    SecurityFilterChain dashboard(HttpSecurity http, UiSessions sessions, OidcLogin oidc, SignInEvents events)
            throws Exception {
        var denied = new AccessDeniedHandlerImpl();
        denied.setErrorPage(DENIED);
        http.securityMatcher(dashboardPaths())
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .securityContext(c -> c.securityContextRepository(sessions.repository()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .addFilterAfter(new SessionCheck(sessions), SecurityContextHolderFilter.class)
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .logout(l -> l.logoutUrl(SIGN_OUT)
                        .addLogoutHandler((request, response, authentication) -> {
                            if (authentication != null
                                    && authentication.getPrincipal() instanceof dev.switchboard.tenancy.Caller c) {
                                events.record(
                                        request,
                                        c.tenantId(),
                                        c.keyId(),
                                        c.role().wire(),
                                        "ui.sign-out",
                                        302);
                            }
                        })
                        .logoutSuccessUrl(SIGN_IN + "?signed-out")
                        .deleteCookies("JSESSIONID"))
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                            // htmx follows a redirect and would swap the sign-in page into a fragment;
                            // HX-Redirect makes it load the sign-in page as a whole page instead.
                            if (request.getHeader("HX-Request") != null) {
                                response.setHeader("HX-Redirect", SIGN_IN);
                                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                                return;
                            }
                            new LoginUrlAuthenticationEntryPoint(SIGN_IN).commence(request, response, ex);
                        })
                        .accessDeniedHandler(denied))
                .authorizeHttpRequests(a -> a.requestMatchers(SIGN_IN, DENIED, SIGN_IN_OIDC, REFUSED)
                        .permitAll()
                        .anyRequest()
                        .authenticated());
        if (oidc.enabled()) oidc.configure(http);
        return http.build();
    }

    /** The session cookie is sent on top-level navigations from other sites, never on their POSTs. */
    @Bean
    CookieSameSiteSupplier sessionCookieSameSite() {
        return CookieSameSiteSupplier.ofLax().whenHasName("JSESSIONID");
    }

    static RequestMatcher dashboardPaths() {
        var paths = PathPatternRequestMatcher.withDefaults();
        return new AndRequestMatcher(
                new OrRequestMatcher(paths.matcher("/"), paths.matcher("/ui"), paths.matcher("/ui/**")),
                new NegatedRequestMatcher(paths.matcher(UiWeb.ASSETS + "**")));
    }
}
