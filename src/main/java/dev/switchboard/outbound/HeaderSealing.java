package dev.switchboard.outbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At startup, seals endpoint header values still stored in plain text (endpoints made before V5
 * kept them readable; reads handled both, but the plain values stayed on disk until the endpoint
 * next changed). Every node may run it: each row's write is fenced on what it read.
 */
@Component
class HeaderSealing implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(HeaderSealing.class);
    private static final int BATCH = 100;

    private final EndpointRepository endpoints;

    HeaderSealing(EndpointRepository endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void run(ApplicationArguments args) {
        int sealed = 0;
        for (var batch = endpoints.plainHeaders(BATCH); !batch.isEmpty(); batch = endpoints.plainHeaders(BATCH)) {
            int before = sealed;
            for (var row : batch) {
                if (endpoints.sealPlainHeaders(row)) sealed++;
            }
            // Another node sealed this batch first; its own pass finishes the rest.
            if (sealed == before) break;
        }
        if (sealed > 0) log.info("Sealed the plain-text static header values of {} endpoint(s).", sealed);
    }
}
