package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Processing settings that contradict each other stop the server at start, saying which and why. */
class InboundPropertiesTest {

    static InboundProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("switchboard.inbound", InboundProperties.class);
    }

    @Test
    void theLeaseMustOutlastAPollAndAFewSeconds() {
        assertThat(bind(Map.of()).processing().lease()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> bind(Map.of("switchboard.inbound.processing.lease", "2s")))
                .hasStackTraceContaining("switchboard.inbound.processing.lease (PT2S) must be at least 5s");
        assertThatThrownBy(() -> bind(Map.of(
                        "switchboard.inbound.processing.lease", "10s",
                        "switchboard.inbound.processing.poll-interval", "10s")))
                .hasStackTraceContaining("must be longer than switchboard.inbound.processing.poll-interval");
    }
}
