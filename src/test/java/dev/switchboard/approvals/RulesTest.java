package dev.switchboard.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.ApiException;
import dev.switchboard.testing.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure part of approval gates: the approval field, rule definitions, globs and matching. */
class RulesTest {

    private static ApprovalRuleRepository.Rule rule(
            String provider, String path, Map<String, String> metadata, Integer batchOver) {
        return new ApprovalRuleRepository.Rule(
                "apr_1", "t", "r", provider, path, metadata, batchOver, false, null, Instant.EPOCH);
    }

    @Test
    void globsStayWithinASegmentUnlessDoubled() {
        assertThat(Rules.glob("/v1/payouts/*").matcher("/v1/payouts/po_1").matches())
                .isTrue();
        assertThat(Rules.glob("/v1/payouts/*")
                        .matcher("/v1/payouts/po_1/cancel")
                        .matches())
                .isFalse();
        assertThat(Rules.glob("/v1/payouts/**")
                        .matcher("/v1/payouts/po_1/cancel")
                        .matches())
                .isTrue();
        // Everything else is literal: a dot or a bracket is not a regex.
        assertThat(Rules.glob("/v1/a.b").matcher("/v1/axb").matches()).isFalse();
        assertThat(Rules.glob("/v1/[x]").matcher("/v1/[x]").matches()).isTrue();
    }

    @Test
    void aRuleMatchesOnlyWhenEveryConditionHolds() {
        var job = new Rules.Candidate("stripe", "/v1/refunds", Map.of("bulk", "true", "batch", "b"), 3);
        assertThat(Rules.matches(rule("stripe", null, Map.of(), null), job)).isTrue();
        assertThat(Rules.matches(rule("resend", null, Map.of(), null), job)).isFalse();
        assertThat(Rules.matches(rule(null, "/v1/refunds", Map.of("bulk", "true"), null), job))
                .isTrue();
        assertThat(Rules.matches(rule(null, null, Map.of("bulk", "false"), null), job))
                .isFalse();
        assertThat(Rules.matches(rule(null, null, Map.of(), 2), job)).isTrue();
        assertThat(Rules.matches(rule(null, null, Map.of(), 3), job)).isFalse();
        assertThat(Rules.match(List.of(rule("resend", null, Map.of(), null), rule("stripe", null, Map.of(), null)), job)
                        .orElseThrow()
                        .provider())
                .isEqualTo("stripe");
    }

    @Test
    void theApprovalFieldIsCheckedField() {
        var ask = Rules.ask(Api.JSON.readTree(
                "{\"required\":true,\"reason\":\"r\",\"expiresIn\":\"PT2H\",\"batch\":\"b\",\"fourEyes\":true}"));
        assertThat(ask).isEqualTo(new Rules.Ask(true, "r", Duration.ofHours(2), "b", true));
        assertThat(Rules.ask(Api.JSON.readTree("{\"expiresIn\":3600}")).expiresIn())
                .isEqualTo(Duration.ofHours(1));
        assertThat(Rules.ask(null)).isEqualTo(Rules.Ask.NONE);
        for (String bad : List.of(
                "[]",
                "{\"required\":\"yes\"}",
                "{\"requierd\":true}",
                "{\"expiresIn\":\"tomorrow\"}",
                "{\"expiresIn\":5}",
                "{\"expiresIn\":\"P31D\"}",
                "{\"expiresIn\":1.5}",
                "{\"reason\":7}")) {
            assertThatThrownBy(() -> Rules.ask(Api.JSON.readTree(bad))).as(bad).isInstanceOf(ApiException.class);
        }
    }

    @Test
    void aRuleNeedsANameAndACondition() {
        assertThatThrownBy(() -> Rules.rule(new Rules.RuleInput("n", null, null, null, null, null, null)))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Rules.rule(new Rules.RuleInput(null, "stripe", null, null, null, null, null)))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Rules.rule(new Rules.RuleInput("n", null, "v1/x", null, null, null, null)))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> Rules.rule(new Rules.RuleInput("n", null, null, null, -1, null, null)))
                .isInstanceOf(ApiException.class);
        var ok = Rules.rule(new Rules.RuleInput(
                "n", null, null, Api.JSON.readTree("{\"bulk\":\"true\"}"), 10, true, Api.JSON.readTree("\"PT1H\"")));
        assertThat(ok.metadata()).containsEntry("bulk", "true");
        assertThat(ok.batchOver()).isEqualTo(10);
        assertThat(ok.fourEyes()).isTrue();
        assertThat(ok.expiresIn()).isEqualTo(Duration.ofHours(1));
    }
}
