package dev.switchboard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test only when Redis answers; otherwise skips it and says why (see
 * {@link SkipReport}). Under {@code CI=true} an unreachable Redis fails the test instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresRedis.Condition.class)
public @interface RequiresRedis {

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (TestServices.redisReachable()) return ConditionEvaluationResult.enabled("Redis answers");
            String why = "Redis not reachable at " + TestServices.REDIS_URL;
            if (TestServices.CI) throw new IllegalStateException(why + " and CI=true: Redis tests must not be skipped");
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
