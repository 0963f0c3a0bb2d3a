package dev.switchboard.tenancy;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.Arrays;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description sees through the resolved access arguments: {@link TenantScope} and
 * {@link PlatformAdmin} are not request parameters, but a {@link TenantScope} handler's route has
 * the {@code tenant} path parameter, which no handler argument names any more.
 */
@Configuration(proxyBeanMethods = false)
class TenantScopeDocs {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(TenantScope.class, PlatformAdmin.class);
    }

    @Bean
    OperationCustomizer tenantPathParameter() {
        return (operation, handler) -> {
            boolean scoped = Arrays.stream(handler.getMethodParameters())
                    .anyMatch(p -> p.getParameterType() == TenantScope.class);
            boolean described = operation.getParameters() != null
                    && operation.getParameters().stream()
                            .anyMatch(p -> "path".equals(p.getIn()) && TenantScope.PATH_VARIABLE.equals(p.getName()));
            if (scoped && !described) {
                operation.addParametersItem(new Parameter()
                        .in("path")
                        .name(TenantScope.PATH_VARIABLE)
                        .required(true)
                        .description("The tenant's id")
                        .schema(new StringSchema()));
            }
            return operation;
        };
    }
}
