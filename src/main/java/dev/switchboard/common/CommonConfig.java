package dev.switchboard.common;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.type.LogicalType;

@Configuration(proxyBeanMethods = false)
@org.springframework.scheduling.annotation.EnableScheduling
class CommonConfig {

    /** Time comes from here, so tests move a clock instead of sleeping. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Dialect dialect(DataSource dataSource) {
        return Dialect.of(dataSource);
    }

    /**
     * Strict JSON: a typo'd field, a number where a string belongs or an enum given by index is a
     * 400 the caller can fix, rather than a silently different request.
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .addModule(new tools.jackson.databind.module.SimpleModule("switchboard-strings")
                        .addDeserializer(String.class, new NoNulStrings()))
                .addModule(ExactEnums.module())
                // Numbers are kept as sent: 1e999 stays 1e999 (a double would make it Infinity) and
                // 0.1000000000000000000001 keeps its digits, so payloads are forwarded unchanged.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * Bounds on what one JSON document may make the parser do, whoever sent it: no document longer
     * than twice the larger body cap (stored documents wrap a body in a small envelope), no
     * nesting deeper than {@value #MAX_NESTING} (each level costs stack, in parsing and in schema
     * validation) and no number longer than {@value #MAX_NUMBER_CHARS} characters.
     */
    @Bean
    JsonFactoryBuilderCustomizer boundedJson(
            ApiProperties api, @Value("${switchboard.inbound.max-body-bytes:1048576}") long inboundMaxBodyBytes) {
        long maxDocument = 2 * Math.max(api.maxBodyBytes(), inboundMaxBodyBytes) + 65_536;
        return builder -> builder.streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(maxDocument)
                .maxNestingDepth(MAX_NESTING)
                .maxNumberLength(MAX_NUMBER_CHARS)
                .build());
    }

    static final int MAX_NESTING = 256;
    static final int MAX_NUMBER_CHARS = 1000;

    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Switchboard API")
                        .version("v1")
                        .description(
                                "Inbound and outbound webhooks, connections and provider calls for SaaS platforms."))
                .components(new Components()
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key: `Authorization: Bearer sb_…`")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
