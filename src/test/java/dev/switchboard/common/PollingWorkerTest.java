package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A background loop outlives whatever one batch throws, an Error included, and stops without interrupting a batch. */
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

    @Test
    void stopLetsTheBatchInHandFinishUninterrupted() throws Exception {
        var inBatch = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger finished = new AtomicInteger();
        PollingWorker worker = new PollingWorker("test-stop", Duration.ofHours(1), 1, () -> {
            inBatch.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true); // what aborts a JDBC call or an H2 file write mid-way
                return 0;
            }
            finished.incrementAndGet();
            return 0;
        });
        worker.start();
        assertThat(inBatch.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stopper = Thread.ofVirtual().start(worker::stop);
        release.countDown(); // the batch ends on its own while stop() waits for it
        stopper.join(Duration.ofSeconds(15));
        assertThat(interrupted).isFalse();
        assertThat(finished.get()).isEqualTo(1);
        assertThat(worker.running()).isFalse();
    }
}
