package dev.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.Proxy;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
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

    /** Every call out passes the SSRF guard and has a deadline: only egress builds clients or opens sockets. */
    @Test
    void onlyEgressOpensOutboundConnections() {
        var main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.switchboard");
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.switchboard.egress..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.net.http..",
                        "org.springframework.web.client..",
                        "org.springframework.web.reactive.function.client..",
                        "org.apache.hc.client5.http.impl.async..",
                        "org.apache.hc.client5.http.fluent..",
                        "org.xbill.DNS..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(
                        URLConnection.class,
                        Socket.class,
                        HttpClients.class,
                        HttpClientBuilder.class,
                        PoolingHttpClientConnectionManagerBuilder.class)
                .orShould()
                .callMethod(URL.class, "openConnection")
                .orShould()
                .callMethod(URL.class, "openConnection", Proxy.class)
                .orShould()
                .callMethod(URL.class, "openStream")
                .orShould()
                .callMethod(HTTPRequest.class, "send")
                .because("every outbound connection goes through egress: the SSRF guards and a deadline")
                .check(main);
    }

    @Test
    void writeTheModuleDocumentation() {
        new Documenter(MODULES).writeDocumentation();
    }
}
