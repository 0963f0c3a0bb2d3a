package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testing.ServerTest;
import dev.switchboard.testing.TestKeys;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Secrets never appear in logs or in responses after creation, on success or error paths. */
class SecretLeakTest extends ServerTest {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void captureLogs() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        root.detachAppender(logs);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @Test
    void keysNeverReachLogsOrLaterResponses() {
        String tenant = newTenant();
        var created = api.post("/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"n\",\"role\":\"admin\"}");
        String key = created.json().get("key").asString();
        String secretPart = key.substring(30);

        List<String> responses = List.of(
                api.get("/api/v1/tenants/" + tenant + "/api-keys", key).body(),
                api.get(
                                "/api/v1/tenants/" + tenant + "/api-keys/"
                                        + created.json().get("id").asString(),
                                key)
                        .body(),
                api.get("/api/v1/tenants/" + tenant, key + "tampered").body(),
                api.post("/api/v1/tenants", key, "{\"name\":\"" + key + "\",}").body(),
                api.post("/api/v1/tenants/" + tenant + "/api-keys", key, "{\"name\":1,\"role\":\"" + key + "\"}")
                        .body(),
                api.get("/api/v1/nothing", key).body());
        responses.forEach(body -> assertThat(body).doesNotContain(secretPart).doesNotContain(TestKeys.ADMIN_KEY));

        String logged =
                String.join("\n", logged().stream().map(SecretLeakTest::render).toList());
        assertThat(logged()).isNotEmpty();
        assertThat(logged).doesNotContain(secretPart).doesNotContain(TestKeys.ADMIN_KEY);
    }

    @Test
    void noGeneratedPasswordIsEverLogged() {
        api.get("/api/v1/tenants", null);
        assertThat(logged().stream().map(SecretLeakTest::render))
                .noneMatch(l -> l.contains("generated security password"));
    }

    /** What was logged so far: a copy, since server threads keep appending (under the appender's lock). */
    private List<ILoggingEvent> logged() {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }

    private static String render(ILoggingEvent e) {
        String thrown = e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy());
        return e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " " + thrown;
    }
}
