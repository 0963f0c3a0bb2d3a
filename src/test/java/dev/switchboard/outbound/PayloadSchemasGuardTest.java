package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A schema that recurses without end (one stored before cycles were refused, say) never overflows into a 500. */
class PayloadSchemasGuardTest {

    @Test
    void aSchemaThatLoopsIsAClearErrorAtValidation() {
        var payload = JsonMapper.shared().readTree("{\"a\":1}");
        ApiException e = catchThrowableOfType(
                ApiException.class, () -> new PayloadSchemas().validate("{\"$ref\":\"#\"}", payload));
        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_UNUSABLE);
    }
}
