package dev.switchboard.ui;

import dev.switchboard.tenancy.ApiKeySignIn;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
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
 * <p>OIDC sign-in ({@code oauth2Login} with a claim → role mapping) is a later stage; it belongs in
 * this chain beside the key sign-in.
 */
@Configuration(proxyBeanMethods = false)
class UiSecurity {

    static final String SIGN_IN = "/ui/sign-in";
    static final String SIGN_OUT = "/ui/sign-out";
    static final String DENIED = "/ui/denied";

    static final String CSP = String.join(
            "; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    /** Where the sign-in and the session check keep the signed-in caller: the HTTP session only. */
    @Bean
    UiSessions uiSessions(ApiKeySignIn signIn) {
        return new UiSessions(new HttpSessionSecurityContextRepository(), signIn);
    }

    @Bean
    @Order(-10)
    SecurityFilterChain dashboard(HttpSecurity http, UiSessions sessions) throws Exception {
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
                .authorizeHttpRequests(a -> a.requestMatchers(SIGN_IN, DENIED)
                        .permitAll()
                        .anyRequest()
                        .authenticated());
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
