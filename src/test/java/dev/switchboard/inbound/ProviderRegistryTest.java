package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The registry stays consistent as providers are added: one name, one scheme class each. */
class ProviderRegistryTest {

    @Test
    void eachProviderHasItsOwnNameAndScheme() {
        JsonMapper json = JsonMapper.builder().build();
        for (Provider p : Provider.values()) {
            assertThat(json.writeValueAsString(p)).isEqualTo("\"" + p.wire() + "\"");
            assertThat(Provider.fromWire(p.wire())).isSameAs(p);
        }
        assertThat(Arrays.stream(Provider.values())
                        .map(p -> p.scheme.getClass())
                        .distinct())
                .hasSize(Provider.values().length);
        assertThat(Scheme.class.getPermittedSubclasses()).hasSize(Provider.values().length);
    }
}
