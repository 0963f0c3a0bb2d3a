package dev.switchboard.operations;

import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantPage;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The platform's alerts for platform admins: the alerts sent about every tenant, the operator's
 * alert channels (their URLs checked against the operator's allow-list, sealed, shown as a hint) and
 * the platform rules, including the platform-only kinds. Same rules as {@code /api/v1/alert-channels}
 * and {@code /api/v1/alert-rules}, through the same services, on the same page as a tenant's
 * ({@link AlertPages}); anyone else gets a 403 from the {@link PlatformAdmin} argument, and every
 * post is audited like any other dashboard post.
 */
@Controller
@RequestMapping(PlatformAlertPages.BASE)
class PlatformAlertPages {

    static final String BASE = "/ui/alerts";

    private final AlertPages pages;
    private final Channels channels;
    private final Rules rules;
    private final Alerting alerting;

    PlatformAlertPages(AlertPages pages, Channels channels, Rules rules, Alerting alerting) {
        this.pages = pages;
        this.channels = channels;
        this.rules = rules;
        this.alerting = alerting;
    }

    @GetMapping
    String page(PlatformAdmin admin, @RequestParam(required = false) String cursor, Model model) {
        return render(cursor, model);
    }

    @PostMapping("/channels")
    String createChannel(
            PlatformAdmin admin,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String url,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        // The URL is a secret (a Slack or Teams URL is its own credential): never typed back into the page.
        return TenantPage.submit(
                model,
                response,
                () -> {
                    var c = channels.create(Alerting.PLATFORM, new Channels.CreateChannel(name, kind, url, true));
                    redirect.addFlashAttribute("done", "channel.created");
                    redirect.addFlashAttribute("subject", c.name());
                    return "redirect:" + BASE;
                },
                () -> render(null, model),
                "channelName",
                name,
                "channelKind",
                kind);
    }

    @PostMapping("/channels/{id}/test")
    String test(PlatformAdmin admin, @PathVariable String id, RedirectAttributes redirect) {
        alerting.test(Alerting.PLATFORM, id);
        redirect.addFlashAttribute("done", "channel.tested");
        redirect.addFlashAttribute(
                "subject", channels.find(Alerting.PLATFORM, id).name());
        return "redirect:" + BASE;
    }

    @PostMapping("/channels/{id}/delete")
    String deleteChannel(PlatformAdmin admin, @PathVariable String id, RedirectAttributes redirect) {
        channels.delete(Alerting.PLATFORM, id);
        redirect.addFlashAttribute("done", "channel.deleted");
        return "redirect:" + BASE;
    }

    @PostMapping("/rules")
    String createRule(
            PlatformAdmin admin,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) Integer threshold,
            @RequestParam(required = false) String severity,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        return TenantPage.submit(
                model,
                response,
                () -> {
                    rules.create(Alerting.PLATFORM, new Rules.CreateRule(kind, threshold, null, severity, true));
                    redirect.addFlashAttribute("done", "rule.created");
                    return "redirect:" + BASE;
                },
                () -> render(null, model),
                "ruleKind",
                kind,
                "ruleThreshold",
                threshold);
    }

    @PostMapping("/rules/{id}/delete")
    String deleteRule(PlatformAdmin admin, @PathVariable String id, RedirectAttributes redirect) {
        rules.delete(Alerting.PLATFORM, id);
        redirect.addFlashAttribute("done", "rule.deleted");
        return "redirect:" + BASE;
    }

    private String render(String cursor, Model model) {
        // Only a platform admin reaches here: its writes are the API's platform routes' writes.
        model.addAttribute("canWrite", true);
        return pages.render(Alerting.PLATFORM, BASE, cursor, model);
    }
}
