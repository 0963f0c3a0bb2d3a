package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.springframework.ui.Model;

/**
 * The scaffolding every tenant's dashboard page shares, whichever capability package renders it:
 * the tenant it shows and whether write controls are rendered (never for a viewer; its writes are
 * refused by {@link TenantScope} anyway), and a form whose input is refused rendered again with the
 * reason, the refusal's status and what was typed, so nothing has to be entered twice.
 */
public final class TenantPage {

    private TenantPage() {}

    /** Starts a page's model: {@code tenant} and {@code canWrite}. */
    public static Model start(TenantScope scope, Model model) {
        model.addAttribute("tenant", scope.tenantId());
        model.addAttribute("canWrite", scope.caller().canWrite());
        return model;
    }

    /**
     * Runs a form's action. A refused input ({@link ApiException}) answers with its status and
     * {@code page} rendered again, with {@code error} and the typed values ({@code name, value, …})
     * in the model.
     */
    public static String submit(
            Model model,
            HttpServletResponse response,
            Supplier<String> action,
            Supplier<String> page,
            Object... typed) {
        try {
            return action.get();
        } catch (ApiException e) {
            response.setStatus(e.code().status().value());
            model.addAttribute("error", e);
            for (int i = 0; i + 1 < typed.length; i += 2) model.addAttribute((String) typed[i], typed[i + 1]);
            return page.get();
        }
    }
}
