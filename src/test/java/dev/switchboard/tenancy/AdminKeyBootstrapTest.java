package dev.switchboard.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A fresh embedded server with no admin key generates one, prints it once, and it works. */
@ExtendWith(OutputCaptureExtension.class)
class AdminKeyBootstrapTest {

    static final Pattern KEY = Pattern.compile("(sb_[0-9a-z]{26}_[A-Za-z0-9_-]{43})");

    static ConfigurableApplicationContext start(Map<String, String> properties) {
        return start(properties, "");
    }

    static ConfigurableApplicationContext start(Map<String, String> properties, String adminKey) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put("server.port", "0");
        p.put("switchboard.admin-key", adminKey);
        return new SpringApplicationBuilder(Switchboard.class).run(TestDatabase.args(p));
    }

    static int port(ConfigurableApplicationContext c) {
        return Integer.parseInt(c.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void generatesPrintsOnceAndTheKeyWorks(CapturedOutput output) {
        Map<String, String> db = TestDatabase.h2();
        String key;
        try (var server = start(db)) {
            Matcher m = KEY.matcher(output.getOut());
            assertThat(m.find()).as("a generated key is printed").isTrue();
            key = m.group(1);
            assertThat(m.find()).as("printed once").isFalse();
            Api api = new Api(port(server));
            assertThat(api.post("/api/v1/tenants", key, "{\"name\":\"first\"}").status())
                    .isEqualTo(201);
            assertThat(api.get("/api/v1/tenants", key).json().get("data").size())
                    .isEqualTo(1);
        }
        int printedBefore = output.getOut().length();
        try (var again = start(db)) {
            String later = output.getOut().substring(printedBefore);
            assertThat(later).doesNotContain("generated a platform admin API key");
            assertThat(KEY.matcher(later).find()).isFalse();
            assertThat(new Api(port(again)).get("/api/v1/tenants", key).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aGeneratedKeyIsRevokedOnceAnAdminKeyIsSet(CapturedOutput output) {
        Map<String, String> db = TestDatabase.h2();
        String generated;
        try (var server = start(db)) {
            Matcher m = KEY.matcher(output.getOut());
            assertThat(m.find()).isTrue();
            generated = m.group(1);
            assertThat(new Api(port(server)).get("/api/v1/tenants", generated).status())
                    .isEqualTo(200);
        }
        try (var server = start(db, TestKeys.ADMIN_KEY)) {
            Api api = new Api(port(server));
            assertThat(api.get("/api/v1/tenants", generated).status()).isEqualTo(401);
            assertThat(api.get("/api/v1/tenants", TestKeys.ADMIN_KEY).status()).isEqualTo(200);
        }
    }
}
