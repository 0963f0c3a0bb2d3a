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
 * Runs a test only when PostgreSQL answers; otherwise skips it and says why (see
 * {@link SkipReport}). Under {@code CI=true} an unreachable PostgreSQL fails the test instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (TestServices.postgresReachable()) return ConditionEvaluationResult.enabled("PostgreSQL answers");
            String why = "PostgreSQL not reachable at " + TestServices.postgresUrl();
            if (TestServices.CI)
                throw new IllegalStateException(why + " and CI=true: PostgreSQL tests must not be skipped");
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
