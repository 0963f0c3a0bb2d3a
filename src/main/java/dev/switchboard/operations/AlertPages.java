package dev.switchboard.operations;

import dev.switchboard.common.PageRequest;
import dev.switchboard.operations.Views.AlertView;
import dev.switchboard.operations.Views.ChannelView;
import dev.switchboard.operations.Views.RuleView;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's alerts: the alerts sent with each channel's delivery status, the alert channels
 * (Slack, Teams or a webhook; the URL is sealed in the vault and shown as a hint only; a test button
 * per channel) and the alert rules. Same rules as the alerts API, through {@link Channels},
 * {@link Rules}, {@link Alerting} and {@link OperationsLog}.
 */
@Controller
@RequestMapping("/ui/tenants/{tenant}/alerts")
class AlertPages {

    static final int ALERTS = 50;
    static final int LIMIT = 100;

    private final OperationsLog log;
    private final Channels channels;
    private final Rules rules;
    private final Alerting alerting;

    AlertPages(OperationsLog log, Channels channels, Rules rules, Alerting alerting) {
        this.log = log;
        this.channels = channels;
        this.rules = rules;
        this.alerting = alerting;
    }

    @GetMapping
    String page(TenantScope scope, @RequestParam(required = false) String cursor, Model model) {
        return render(scope, cursor, model);
    }

    @PostMapping("/channels")
    String createChannel(
            TenantScope scope,
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
                    var c = channels.create(scope.tenantId(), new Channels.CreateChannel(name, kind, url, true));
                    redirect.addFlashAttribute("done", "channel.created");
                    redirect.addFlashAttribute("subject", c.name());
                    return back(scope);
                },
                () -> render(scope, null, model),
                "channelName",
                name,
                "channelKind",
                kind);
    }

    @PostMapping("/channels/{id}/test")
    String test(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        alerting.test(scope.tenantId(), id);
        redirect.addFlashAttribute("done", "channel.tested");
        redirect.addFlashAttribute(
                "subject", channels.find(scope.tenantId(), id).name());
        return back(scope);
    }

    @PostMapping("/channels/{id}/delete")
    String deleteChannel(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        channels.delete(scope.tenantId(), id);
        redirect.addFlashAttribute("done", "channel.deleted");
        return back(scope);
    }

    @PostMapping("/rules")
    String createRule(
            TenantScope scope,
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
                    var r = rules.create(scope.tenantId(), new Rules.CreateRule(kind, threshold, null, severity, true));
                    redirect.addFlashAttribute("done", "rule.created");
                    redirect.addFlashAttribute("subject", r.kind().wire());
                    return back(scope);
                },
                () -> render(scope, null, model),
                "ruleKind",
                kind,
                "ruleThreshold",
                threshold);
    }

    @PostMapping("/rules/{id}/delete")
    String deleteRule(TenantScope scope, @PathVariable String id, RedirectAttributes redirect) {
        rules.delete(scope.tenantId(), id);
        redirect.addFlashAttribute("done", "rule.deleted");
        return back(scope);
    }

    private String render(TenantScope scope, String cursor, Model model) {
        TenantPage.start(scope, model);
        return render(scope.tenantId(), base(scope), cursor, model);
    }

    /**
     * The page for one scope: a tenant's, or the platform's ({@link Alerting#PLATFORM}, whose rules
     * may also be of the platform-only kinds); {@code base} is the page's own path, for its forms.
     */
    String render(String tenant, String base, String cursor, Model model) {
        boolean platform = Alerting.PLATFORM.equals(tenant);
        model.addAttribute("base", base);
        model.addAttribute("platform", platform);
        model.addAttribute("alerts", log.alerts(tenant, null, ALERTS, cursor).map(AlertView::of));
        var channelList = channels.page(tenant, new PageRequest(LIMIT, null)).stream()
                .limit(LIMIT)
                .map(ChannelView::of)
                .toList();
        model.addAttribute("channels", channelList);
        model.addAttribute(
                "channelNames",
                channelList.stream().collect(java.util.stream.Collectors.toMap(ChannelView::id, ChannelView::name)));
        model.addAttribute(
                "rules",
                rules.page(tenant, new PageRequest(LIMIT, null)).stream()
                        .limit(LIMIT)
                        .map(RuleView::of)
                        .toList());
        model.addAttribute(
                "channelKinds",
                Arrays.stream(Channel.Kind.values()).map(Channel.Kind::wire).toList());
        model.addAttribute(
                "ruleKinds",
                Arrays.stream(Rule.Kind.values())
                        .filter(k -> platform || !k.platformOnly)
                        .map(Rule.Kind::wire)
                        .toList());
        model.addAttribute(
                "severities",
                Arrays.stream(Alert.Severity.values()).map(Alert.Severity::wire).toList());
        return "operations/alerts";
    }

    private static String base(TenantScope scope) {
        return "/ui/tenants/" + scope.tenantId() + "/alerts";
    }

    private static String back(TenantScope scope) {
        return "redirect:" + base(scope);
    }
}
