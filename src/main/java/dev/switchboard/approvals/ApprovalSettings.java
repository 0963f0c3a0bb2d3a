package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.ConnectionAccess;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** A tenant's approval rules and settings: four eyes, the default expiry, and Slack approvals. */
@Service
class ApprovalSettings {

    /** Settings as the API takes them; {@code slack} null turns Slack approvals off. */
    record SettingsInput(Boolean fourEyes, JsonNode expiresIn, SlackInput slack) {}

    /** {@code signingSecret} may be left out to keep the stored one. */
    record SlackInput(String connection, String channel, String signingSecret, Map<String, String> approvers) {
        @Override
        public String toString() {
            return "SlackInput[connection=" + connection + ", channel=" + channel + ", signingSecret=[redacted]]";
        }
    }

    /** Settings as the API shows them: the signing secret never, only whether one is set and its hint. */
    record SettingsView(boolean fourEyes, String expiresIn, SlackView slack) {}

    record SlackView(
            String connection,
            String channel,
            boolean signingSecretSet,
            String signingSecretHint,
            Map<String, String> approvers,
            String callbackPath) {}

    static final String TABLE = "approval_settings";
    static final String SECRET_COLUMN = "slack_signing_secret";
    private static final Pattern SLACK_ID = Pattern.compile("[A-Z0-9]{2,40}");

    private final ApprovalRuleRepository rules;
    private final ConnectionAccess connections;
    private final Vault vault;
    private final ApprovalsProperties properties;
    private final Clock clock;

    ApprovalSettings(
            ApprovalRuleRepository rules,
            ConnectionAccess connections,
            Vault vault,
            ApprovalsProperties properties,
            Clock clock) {
        this.rules = rules;
        this.connections = connections;
        this.vault = vault;
        this.properties = properties;
        this.clock = clock;
    }

    SettingsView get(String tenantId) {
        return rules.settingsForTenant(tenantId)
                .map(s -> view(s))
                .orElseGet(
                        () -> new SettingsView(false, properties.defaultExpiry().toString(), null));
    }

    SettingsView put(String tenantId, SettingsInput in) {
        var old = rules.settingsForTenant(tenantId);
        Duration expiresIn = Rules.duration(in.expiresIn(), "expiresIn");
        int seconds = (int) (expiresIn != null
                        ? expiresIn
                        : old.map(s -> Duration.ofSeconds(s.expiresInSeconds())).orElse(properties.defaultExpiry()))
                .toSeconds();
        boolean fourEyes = in.fourEyes() != null
                ? in.fourEyes()
                : old.map(ApprovalRuleRepository.Settings::fourEyes).orElse(false);
        String connection = null;
        String channel = null;
        byte[] secret = null;
        Map<String, String> approvers = Map.of();
        if (in.slack() != null) {
            var s = in.slack();
            if (s.connection() == null || s.connection().isBlank())
                throw ApiException.invalid("slack.connection", "is required");
            connections.provider(tenantId, s.connection()); // 404 when it is not the tenant's
            connection = s.connection();
            channel = Rules.text(s.channel(), "slack.channel", 200);
            if (channel == null || channel.isBlank()) throw ApiException.invalid("slack.channel", "is required");
            approvers = approvers(s.approvers());
            var place = new SecretPlace(tenantId, TABLE, SECRET_COLUMN, tenantId);
            if (s.signingSecret() != null) {
                if (s.signingSecret().length() < 16 || s.signingSecret().length() > 200) {
                    throw ApiException.invalid("slack.signingSecret", "must be 16 to 200 characters");
                }
                secret = vault.encrypt(Secret.of(s.signingSecret()), place);
            } else {
                secret = old.map(ApprovalRuleRepository.Settings::slackSigningSecret)
                        .orElse(null);
                if (secret == null) throw ApiException.invalid("slack.signingSecret", "is required");
            }
        }
        var settings = new ApprovalRuleRepository.Settings(
                tenantId, fourEyes, seconds, connection, channel, secret, approvers, Sql.now(clock));
        rules.saveSettings(settings);
        return view(settings);
    }

    /** The signing secret of a tenant with Slack approvals set up. */
    Optional<Secret> signingSecret(ApprovalRuleRepository.Settings s) {
        if (s.slackSigningSecret() == null) return Optional.empty();
        return Optional.of(vault.decrypt(
                s.slackSigningSecret(), new SecretPlace(s.tenantId(), TABLE, SECRET_COLUMN, s.tenantId())));
    }

    private SettingsView view(ApprovalRuleRepository.Settings s) {
        SlackView slack = null;
        if (s.slack()) {
            String hint = signingSecret(s).map(Secret::hint).orElse(null);
            slack = new SlackView(
                    s.slackConnectionId(),
                    s.slackChannel(),
                    s.slackSigningSecret() != null,
                    hint,
                    s.slackApprovers(),
                    "/webhooks/slack/approvals/" + s.tenantId());
        }
        return new SettingsView(
                s.fourEyes(), Duration.ofSeconds(s.expiresInSeconds()).toString(), slack);
    }

    private static Map<String, String> approvers(Map<String, String> in) {
        if (in == null || in.isEmpty())
            throw ApiException.invalid("slack.approvers", "name at least one Slack user id");
        if (in.size() > 100) throw ApiException.invalid("slack.approvers", "at most 100");
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((id, name) -> {
            if (id == null || !SLACK_ID.matcher(id).matches()) {
                throw ApiException.invalid("slack.approvers", "keys must be Slack user ids such as U024BE7LH");
            }
            String n = Rules.text(name, "slack.approvers." + id, 200);
            out.put(id, n == null || n.isBlank() ? id : n);
        });
        return out;
    }

    List<ApprovalRuleRepository.Rule> rules(String tenantId) {
        return rules.rulesForTenant(tenantId);
    }

    ApprovalRuleRepository.Rule addRule(String tenantId, Rules.RuleInput in) {
        var c = Rules.rule(in);
        if (rules.rulesForTenant(tenantId).size() >= 100) {
            throw new ApiException(
                    dev.switchboard.common.ErrorCode.LIMIT_REACHED, "A tenant may have 100 approval rules.");
        }
        var rule = new ApprovalRuleRepository.Rule(
                Ids.next("apr"),
                tenantId,
                c.name(),
                c.provider(),
                c.pathPattern(),
                c.metadata(),
                c.batchOver(),
                c.fourEyes(),
                c.expiresIn() == null ? null : (int) c.expiresIn().toSeconds(),
                Sql.now(clock));
        rules.insertRule(rule);
        return rule;
    }

    void deleteRule(String tenantId, String id) {
        if (!rules.deleteRuleForTenant(tenantId, id)) throw ApiException.notFound("approval rule");
    }
}
