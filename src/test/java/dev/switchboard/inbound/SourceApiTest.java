package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SourceApiTest extends InboundTestBase {

    String create(String tenant, String json, int status, String field) {
        long before = count("sources");
        var r = api.post("/api/v1/tenants/" + tenant + "/sources", ADMIN, json);
        assertThat(r.status()).as(json + " → " + r).isEqualTo(status);
        if (field != null) {
            assertThat(r.json().get("code").asString()).isEqualTo("validation_failed");
            assertThat(r.json().get("errors").findValuesAsString("field"))
                    .as(r.toString())
                    .contains(field);
            assertThat(count("sources")).isEqualTo(before);
        }
        return r.body();
    }

    @Test
    void validatesWhatEachProviderNeeds() {
        String t = newTenant();
        create(t, "{\"name\":\"s\",\"provider\":\"stripe\"}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"adyen\"}", 400, "provider");
        create(t, "{\"name\":\"s\"}", 400, "provider");
        create(t, "{\"provider\":\"none\"}", 400, "name");
        create(t, "{\"name\":\"s\",\"provider\":\"none\",\"secret\":\"x\"}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"standard-webhooks\",\"secret\":\"not-whsec\"}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"standard-webhooks\",\"secret\":\"whsec_c2hvcnQ=\"}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"github\",\"secret\":\"short\"}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":12}", 400, "secret");
        create(t, "{\"name\":\"s\",\"provider\":\"hmac\",\"secret\":\"0123456789abcdef\"}", 400, "options.header");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"hmac\",\"secret\":\"0123456789abcdef\",\"options\":{\"header\":\"X-S\","
                        + "\"signedContent\":\"{timestamp}.{body}\"}}",
                400,
                "options.signedContent");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"hmac\",\"secret\":\"0123456789abcdef\",\"options\":{\"header\":\"X S\"}}",
                400,
                "options.header");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"hmac\",\"secret\":\"0123456789abcdef\",\"options\":{\"header\":\"X-S\","
                        + "\"algorithm\":\"md5\"}}",
                400,
                "options.algorithm");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"github\",\"options\":{\"toleranceSeconds\":60}}",
                400,
                "options.toleranceSeconds");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":\"whsec_x\",\"options\":{\"toleranceSeconds\":0}}",
                400,
                "options.toleranceSeconds");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":\"whsec_x\",\"options\":{\"prefix\":\"a\"}}",
                400,
                "options.prefix");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":\"whsec_x\",\"options\":{\"bogus\":1}}",
                400,
                "options.bogus");
        create(t, "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":\"" + "x".repeat(501) + "\"}", 400, "secret");
        create(
                t,
                "{\"name\":\"s\",\"provider\":\"stripe\",\"secret\":\"whsec_x\",\"options\":{\"toleranceSeconds\":60}}",
                201,
                null);
    }

    @Test
    void aGivenSecretIsNeverShownAgainAndIsStoredEncrypted() {
        String t = newTenant();
        String secret = "whsec_sentinel_" + UUID.randomUUID();
        var src = source(t, "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + secret + "\"}");
        assertThat(src.json().toString()).doesNotContain(secret);
        assertThat(src.json().get("secretHint").asString()).isEqualTo("…" + secret.substring(secret.length() - 4));
        assertThat(src.json().get("ingestUrl").asString()).isEqualTo(api.base() + "/webhooks/" + src.id());
        assertThat(api.get("/api/v1/tenants/" + t + "/sources/" + src.id(), ADMIN)
                        .body())
                .doesNotContain(secret);
        assertThat(api.get("/api/v1/tenants/" + t + "/sources", ADMIN).body()).doesNotContain(secret);
        byte[] stored = jdbc.sql("SELECT secret FROM sources WHERE id = :id")
                .param("id", src.id())
                .query(byte[].class)
                .single();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(secret);

        // A ciphertext copied to another source does not decrypt: that source cannot verify anything.
        var other = source(
                t, "{\"name\":\"Other\",\"provider\":\"stripe\",\"secret\":\"whsec_other_" + UUID.randomUUID() + "\"}");
        jdbc.sql("UPDATE sources SET secret = :s WHERE id = :id")
                .param("s", stored)
                .param("id", other.id())
                .update();
        var r = post(
                other.ingestPath(),
                "application/json",
                "{\"id\":\"evt_1\"}",
                java.util.Map.of("Stripe-Signature", "t=1,v1=00"));
        assertThat(r.status()).as(r.toString()).isEqualTo(500);
        assertThat(r.body()).doesNotContain(secret);
    }

    @Test
    void generatedSecretsAreShownOnceAndRotateAsGenerated() {
        String t = newTenant();
        var src = source(t, "{\"name\":\"Internal\",\"provider\":\"token\"}");
        assertThat(src.secret()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(api.get("/api/v1/tenants/" + t + "/sources/" + src.id(), ADMIN)
                        .body())
                .doesNotContain(src.secret());
        var rotated = api.post("/api/v1/tenants/" + t + "/sources/" + src.id() + "/secret/rotate", ADMIN, null);
        assertThat(rotated.status()).isEqualTo(200);
        String next = rotated.json().get("secret").asString();
        assertThat(next).isNotEqualTo(src.secret());
        var none = source(t, "{\"name\":\"Open\",\"provider\":\"none\"}");
        var cannot = api.post("/api/v1/tenants/" + t + "/sources/" + none.id() + "/secret/rotate", ADMIN, "{}");
        assertThat(cannot.status()).isEqualTo(409);
        var badGrace = api.post(
                "/api/v1/tenants/" + t + "/sources/" + src.id() + "/secret/rotate", ADMIN, "{\"graceSeconds\":-1}");
        assertThat(badGrace.status()).isEqualTo(400);
    }
}
