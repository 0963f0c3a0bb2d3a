package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Service;

/** Alert rules of a tenant or of the platform, checked before they are stored. */
@Service
class Rules implements ScopedRoutes.Store<Rule> {

    static final int MAX_PER_SCOPE = 100;

    record CreateRule(String kind, Integer threshold, Integer windowMinutes, String severity, Boolean enabled) {}

    record UpdateRule(Integer threshold, Integer windowMinutes, String severity, Boolean enabled) {}

    private final RuleRepository rules;
    private final OperationsProperties properties;
    private final Clock clock;

    Rules(RuleRepository rules, OperationsProperties properties, Clock clock) {
        this.rules = rules;
        this.properties = properties;
        this.clock = clock;
    }

    Rule create(String scope, CreateRule body) {
        Rule.Kind kind = Rule.Kind.parse("kind", Channels.required("kind", body.kind()));
        if (kind.platformOnly && !Alerting.PLATFORM.equals(scope)) {
            throw ApiException.invalid("kind", "is a platform rule: create it under /api/v1/alert-rules");
        }
        if (kind.needsThreshold && body.threshold() == null) {
            throw ApiException.invalid("threshold", "is required for " + kind.wire());
        }
        checkThreshold(body.threshold());
        Duration window = body.windowMinutes() == null ? properties.dedupWindow() : window(body.windowMinutes());
        Alert.Severity severity =
                body.severity() == null ? Alert.Severity.WARNING : Alert.Severity.parse("severity", body.severity());
        if (rules.count(scope) >= MAX_PER_SCOPE) {
            throw new ApiException(ErrorCode.LIMIT_REACHED, "At most " + MAX_PER_SCOPE + " alert rules.");
        }
        Rule r = new Rule(
                Ids.next("arl"),
                scope,
                kind,
                body.threshold(),
                window,
                severity,
                body.enabled() == null || body.enabled(),
                Sql.now(clock));
        rules.insert(r);
        return r;
    }

    @Override
    public Rule find(String scope, String id) {
        return rules.find(scope, id).orElseThrow(() -> ApiException.notFound("alert rule"));
    }

    @Override
    public List<Rule> page(String scope, PageRequest page) {
        return rules.page(scope, page);
    }

    Rule update(String scope, String id, UpdateRule body) {
        find(scope, id);
        checkThreshold(body.threshold());
        Integer windowSeconds = body.windowMinutes() == null
                ? null
                : (int) window(body.windowMinutes()).toSeconds();
        String severity = body.severity() == null
                ? null
                : Alert.Severity.parse("severity", body.severity()).wire();
        if (!rules.update(scope, id, body.threshold(), windowSeconds, severity, body.enabled(), Sql.now(clock))) {
            throw ApiException.notFound("alert rule");
        }
        return find(scope, id);
    }

    @Override
    public void delete(String scope, String id) {
        if (!rules.delete(scope, id)) throw ApiException.notFound("alert rule");
    }

    private static void checkThreshold(Integer threshold) {
        if (threshold != null && (threshold < 1 || threshold > 100_000_000)) {
            throw ApiException.invalid("threshold", "must be between 1 and 100000000");
        }
    }

    private static Duration window(int minutes) {
        if (minutes < 1 || minutes > 1440) throw ApiException.invalid("windowMinutes", "must be between 1 and 1440");
        return Duration.ofMinutes(minutes);
    }
}
