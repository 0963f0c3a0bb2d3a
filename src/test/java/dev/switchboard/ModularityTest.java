package dev.switchboard;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries, as a test: each top-level package is a module, may use only the modules
 * its package-info.java names, and the graph has no cycles. The documentation of the modules
 * (diagrams and a canvas per module) is written to target/spring-modulith-docs.
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(Switchboard.class);

    @Test
    void modulesUseOnlyTheirDeclaredDependencies() {
        MODULES.verify();
    }

    @Test
    void writeTheModuleDocumentation() {
        new Documenter(MODULES).writeDocumentation();
    }
}
