package dev.switchboard.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** Prints, at the end of a test run, what was skipped and why, so a green run never hides a gap. */
public class SkipReport implements TestExecutionListener {

    private final Map<String, Integer> reasons = new ConcurrentHashMap<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        reasons.merge(reason + " — skipped " + test.getDisplayName(), 1, Integer::sum);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {}

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        System.out.println();
        System.out.println("Switchboard test run on " + (TestServices.suiteOnPostgres() ? "PostgreSQL" : "embedded H2")
                + (reasons.isEmpty() ? ": nothing skipped." : ":"));
        new TreeMap<>(reasons).forEach((reason, n) -> System.out.println("  SKIPPED: " + reason));
    }
}
