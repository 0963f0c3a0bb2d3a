package dev.switchboard.tenancy;

import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Paths;
import dev.switchboard.common.ProblemWriter;
import dev.switchboard.common.Text;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /api/**} needs an API key ({@code Authorization: Bearer sb_…}); everything else (webhook
 * ingest, OAuth callbacks, health, OpenAPI) authenticates its own way or not at all. No sessions,
 * no cookies, so no CSRF surface on the API.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeyAuthenticator authenticator, ProblemWriter problems)
            throws Exception {
        http.securityMatcher("/api/**")
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerKeyFilter(authenticator, problems), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> problems.write(
                                req, res, ErrorCode.UNAUTHORIZED, "Send an API key as 'Authorization: Bearer <key>'."))
                        .accessDeniedHandler((req, res, ex) ->
                                problems.write(req, res, ErrorCode.FORBIDDEN, "This key may not do that.")))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated());
        return http.build();
    }

    /**
     * Webhook ingest authenticates each request by its provider's signature (the inbound package), not
     * through Spring Security. Its chain keeps only the security headers (nosniff, no-store, …): no
     * authorization or exception translation filter, which only wrapped every request to permit it. The
     * headers are written before the request goes on, so no response wrapper watches for the commit.
     */
    @Bean
    @Order(0)
    SecurityFilterChain webhooks(HttpSecurity http) throws Exception {
        http.securityMatcher("/webhooks/**")
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .securityContext(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .exceptionHandling(AbstractHttpConfigurer::disable)
                .headers(h -> h.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }));
        return http.build();
    }

    /**
     * No Spring Security observations at all. Without this bean every filter of every chain is wrapped
     * in an observation decorator even when {@code management.observations.enable.spring.security} is
     * false (that only makes the observations no-ops): it was the largest part of the filter chain's
     * CPU on ingest (docs/BENCHMARKS.md, issue 14). Requests are still timed as a whole
     * ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(2)
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /**
     * Webhook senders are not our API clients: a provider may put any bytes in a header (Tomcat reads
     * them as ISO-8859-1, so UTF-8 text such as "€" arrives with characters 0x80–0x9F), and ingest must
     * store them, not refuse the delivery. Every other check (normalized paths, encoded slashes, …)
     * stays on for ingest too; API requests keep the strict defaults and are answered 400 below.
     */
    @Bean
    HttpFirewall firewall() {
        StrictHttpFirewall strict = new StrictHttpFirewall();
        StrictHttpFirewall ingest = new StrictHttpFirewall();
        ingest.setAllowedHeaderNames(name -> true);
        ingest.setAllowedHeaderValues(value -> true);
        return new HttpFirewall() {
            @Override
            public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
                return (Paths.isIngest(request) ? ingest : strict).getFirewalledRequest(request);
            }

            @Override
            public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
                return strict.getFirewalledResponse(response);
            }
        };
    }

    /** A request the firewall refuses is the caller's error: one problem+json 400, one debug line. */
    @Bean
    RequestRejectedHandler rejectedRequests(ProblemWriter problems) {
        return (request, response, e) -> {
            log.debug(
                    "Rejected {} {}: {}",
                    Text.loggable(request.getMethod()),
                    Text.loggable(request.getRequestURI()),
                    Text.loggable(e.getMessage()));
            problems.write(request, response, ErrorCode.MALFORMED_REQUEST, ProblemWriter.REJECTED);
        };
    }

    /** There are no users with passwords; this stops Spring Boot generating and logging one. */
    @Bean
    UserDetailsService noUsers() {
        return username -> {
            throw new UsernameNotFoundException("Switchboard authenticates with API keys only");
        };
    }

    static final class CallerAuthentication extends AbstractAuthenticationToken {
        private final Caller caller;

        CallerAuthentication(Caller caller) {
            super(List.of());
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }
    }

    /** A present but wrong key is answered here; a missing one falls through to the entry point. */
    static final class BearerKeyFilter extends OncePerRequestFilter {
        private final ApiKeyAuthenticator authenticator;
        private final ProblemWriter problems;

        BearerKeyFilter(ApiKeyAuthenticator authenticator, ProblemWriter problems) {
            this.authenticator = authenticator;
            this.problems = problems;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null) {
                chain.doFilter(request, response);
                return;
            }
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                problems.write(
                        request, response, ErrorCode.UNAUTHORIZED, "Send an API key as 'Authorization: Bearer <key>'.");
                return;
            }
            var caller = authenticator.authenticate(header.substring(7).strip());
            if (caller.isEmpty()) {
                problems.write(request, response, ErrorCode.UNAUTHORIZED, "The API key is not valid, or was revoked.");
                return;
            }
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new CallerAuthentication(caller.get()));
            SecurityContextHolder.setContext(context);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }
}
