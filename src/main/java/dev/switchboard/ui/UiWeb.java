package dev.switchboard.ui;

import dev.switchboard.tenancy.Tenants;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/**
 * The dashboard's static files (its own CSS and JS, and htmx and Chart.js from their WebJars, so
 * there is no Node build), its language switch ({@code ?lang=ar}, remembered in a cookie) and the
 * shell every page's layout needs.
 */
@Configuration(proxyBeanMethods = false)
class UiWeb implements WebMvcConfigurer {

    static final String ASSETS = "/ui/assets/";
    static final Set<String> LANGUAGES = Set.of("en", "ar");

    private final ShellInterceptor shell;

    UiWeb(Tenants tenants) {
        this.shell = new ShellInterceptor(tenants);
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        var cache = CacheControl.maxAge(Duration.ofHours(1)).cachePublic();
        // webjars-locator-lite lets pages leave the version out: /ui/assets/vendor/htmx.org/dist/htmx.min.js
        registry.addResourceHandler(ASSETS + "vendor/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .setCacheControl(cache)
                .resourceChain(true);
        registry.addResourceHandler(ASSETS + "**")
                .addResourceLocations("classpath:/static/ui/")
                .setCacheControl(cache);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        var language = new LocaleChangeInterceptor();
        language.setParamName("lang");
        language.setIgnoreInvalidLocale(true);
        registry.addInterceptor(language).addPathPatterns("/", "/ui/**");
        registry.addInterceptor(shell).addPathPatterns("/", "/ui/**");
    }

    /** Before the default resolvers, so a page's error renders as a page, not as problem+json. */
    @Override
    public void extendHandlerExceptionResolvers(
            java.util.List<org.springframework.web.servlet.HandlerExceptionResolver> resolvers) {
        resolvers.addFirst(new PageErrors(shell));
    }

    /** English or Arabic only; anything else asked for leaves the language as it was. */
    @Bean(DispatcherServlet.LOCALE_RESOLVER_BEAN_NAME)
    LocaleResolver localeResolver() {
        var resolver = new CookieLocaleResolver("sb_lang") {
            @Override
            public void setLocale(
                    jakarta.servlet.http.HttpServletRequest request,
                    jakarta.servlet.http.HttpServletResponse response,
                    Locale locale) {
                if (locale == null || LANGUAGES.contains(locale.getLanguage())) {
                    super.setLocale(request, response, locale == null ? null : Locale.of(locale.getLanguage()));
                }
            }
        };
        resolver.setDefaultLocale(Locale.ENGLISH);
        resolver.setCookieHttpOnly(true);
        resolver.setCookieSameSite("Lax");
        resolver.setCookieMaxAge(Duration.ofDays(365));
        return resolver;
    }

    /**
     * Asset links are rewritten in the dashboard's pages only. Spring Boot registers this filter for
     * every path (the WebJars locator turns the resource chain on); on webhook ingest and the API it
     * only wrapped each request and response, which every later {@code getMethod()} then went through.
     */
    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        var registration = new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
        registration.setUrlPatterns(List.of("/", "/ui/*", "/error"));
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        return registration;
    }
}
