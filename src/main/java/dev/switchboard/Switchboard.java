package dev.switchboard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Switchboard: a self-hosted integration gateway. Each capability lives in its own package. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class Switchboard {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("generate-keyset")) {
            // For production setups: print a new keyset for SWITCHBOARD_KEYSET, without starting a server.
            System.out.println(dev.switchboard.vault.Keysets.generateJson());
            return;
        }
        if (args.length > 0 && args[0].equals("keyset")) {
            System.out.println(KeysetCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        SpringApplication.run(Switchboard.class, args);
    }
}
