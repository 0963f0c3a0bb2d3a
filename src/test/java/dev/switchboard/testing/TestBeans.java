package dev.switchboard.testing;

import dev.switchboard.inbound.InboundEvent;
import dev.switchboard.inbound.InboundEventRouter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Beans every test server has: a clock tests can move, and a router that records (or fails on cue). */
@TestConfiguration(proxyBeanMethods = false)
public class TestBeans {

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock();
    }

    @Bean
    RecordingRouter recordingRouter() {
        return new RecordingRouter();
    }

    /** Records every routed event; throws for events whose subject starts with "fail-". */
    public static class RecordingRouter implements InboundEventRouter {
        public final List<InboundEvent> routed = new CopyOnWriteArrayList<>();

        @Override
        public void route(InboundEvent event, byte[] body) {
            if (event.subject() != null && event.subject().startsWith("fail-")) {
                throw new IllegalStateException("router refused " + event.subject());
            }
            routed.add(event);
        }
    }
}
