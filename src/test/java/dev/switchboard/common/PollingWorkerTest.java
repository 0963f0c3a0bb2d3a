package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A background loop outlives whatever one batch throws, an Error included. */
class PollingWorkerTest {

    @Test
    void keepsRunningAfterAnErrorOrAnException() {
        AtomicInteger runs = new AtomicInteger();
        PollingWorker worker = new PollingWorker("test-loop", Duration.ofHours(1), 1, () -> {
            int n = runs.incrementAndGet();
            if (n == 1) throw new StackOverflowError("a batch blew up");
            if (n == 2) throw new IllegalStateException("the database went away");
            return 0;
        });
        worker.start();
        try {
            // Each failure waits for the poll interval (an hour) or a wake-up: the test wakes it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                worker.wake();
                return runs.get() >= 3;
            });
            assertThat(worker.running()).isTrue();
        } finally {
            worker.stop();
        }
    }
}
