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
 * Runs a browser test only when Chromium and its driver are installed ({@link Browser#available});
 * otherwise skips it and says why (see {@link SkipReport}). Under {@code CI=true} a missing browser
 * fails the test instead: .ci/run installs them.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresChromium.Condition.class)
public @interface RequiresChromium {

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing = Browser.missing();
            if (missing == null) return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
            String why = "browser tests need " + missing
                    + " (Debian: apt-get install chromium chromium-driver; or set SWITCHBOARD_TEST_CHROMIUM"
                    + " and SWITCHBOARD_TEST_CHROMEDRIVER)";
            if (TestServices.CI) throw new IllegalStateException(why + ", and CI=true: they must not be skipped");
            return ConditionEvaluationResult.disabled(why);
        }
    }
}
