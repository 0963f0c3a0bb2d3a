package dev.switchboard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Switchboard: a self-hosted integration gateway. Each capability lives in its own package. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class Switchboard {

    public static void main(String[] args) {
        SpringApplication.run(Switchboard.class, args);
    }
}
