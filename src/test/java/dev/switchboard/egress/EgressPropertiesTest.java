package dev.switchboard.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The two allow-lists as application.yml binds them, with the old setting as the tenant list's alias. */
class EgressPropertiesTest {

    static EgressProperties bind(Map<String, Object> settings) throws Exception {
        var env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", settings));
        for (var source : new YamlPropertySourceLoader().load("app", new ClassPathResource("application.yml"))) {
            env.getPropertySources().addLast(source);
        }
        return Binder.get(env).bindOrCreate("switchboard.egress", EgressProperties.class);
    }

    @Test
    void bothListsAreEmptyByDefault() throws Exception {
        var p = bind(Map.of());
        assertThat(p.tenantAllowedNetworks()).isEmpty();
        assertThat(p.operatorAllowedNetworks()).isEmpty();
    }

    @Test
    void theNewSettingsAreReadFromTheEnvironmentVariables() throws Exception {
        var p = bind(Map.of(
                "SWITCHBOARD_EGRESS_TENANT_ALLOWED_NETWORKS", "10.0.0.0/8,fd00::/8",
                "SWITCHBOARD_EGRESS_OPERATOR_ALLOWED_NETWORKS", "127.0.0.0/8"));
        assertThat(p.tenantAllowedNetworks()).containsExactly("10.0.0.0/8", "fd00::/8");
        assertThat(p.operatorAllowedNetworks()).containsExactly("127.0.0.0/8");
    }

    @Test
    void theDeprecatedSettingStillOpensRangesForTenantsOnly() throws Exception {
        var p = bind(Map.of("switchboard.outbound.allowed-networks", "10.0.0.0/8"));
        assertThat(p.tenantAllowedNetworks()).containsExactly("10.0.0.0/8");
        assertThat(p.operatorAllowedNetworks()).isEmpty();
        var overridden = bind(Map.of(
                "switchboard.outbound.allowed-networks", "10.0.0.0/8",
                "SWITCHBOARD_EGRESS_TENANT_ALLOWED_NETWORKS", "192.168.0.0/16"));
        assertThat(overridden.tenantAllowedNetworks()).containsExactly("192.168.0.0/16");
    }
}
