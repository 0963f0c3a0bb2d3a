package dev.switchboard.common;

import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings shared by every capability.
 *
 * @param dataDir where the embedded database and generated files live ({@code SWITCHBOARD_DATA_DIR})
 * @param maxBodyBytes the largest JSON body the management API accepts ({@code SWITCHBOARD_API_MAX_BODY_BYTES})
 */
@Validated
@ConfigurationProperties("switchboard")
public record ApiProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("1048576") @Min(1024) long maxBodyBytes) {}
