import IgnitionCompiler

/// `out/kubespray/`: an inventory for current Kubespray (underscore group names), with the
/// group and host variables site.yaml determines.
struct KubesprayTarget: Backend {
    var target: BuildTarget { .kubespray }

    /// What Kubespray's `validate_inventory` would stop on, found before the playbook runs.
    /// A k3s site has no Kubespray inventory: its rules are the core validator's k3s ones, and
    /// kube-vip's (the k3s servers hold the API VIP with kube-vip as Kubespray's control planes do).
    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        guard !site.isK3s else {
            KubeVIP(site: site)?.check(into: &diagnostics)
            return
        }
        var rules = KubesprayRules(site: site)
        rules.run()
        diagnostics.append(contentsOf: rules.diagnostics.all)
    }

    /// Nobody runs Kubespray on a k3s site: asked for by name, the target is an error; in a
    /// build of every target, it is skipped with a warning.
    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        guard site.isK3s, let distribution = site.kubernetes?.distribution else { return }
        let message = "the site's distribution is k3s: Kubespray does not install it, so there is no Kubespray inventory"
        if explicit {
            diagnostics.error(message, at: distribution.location)
        } else {
            diagnostics.warning(message + " (out/kubespray is not written)", at: distribution.location)
        }
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        guard !site.isK3s else { return [] }
        return KubesprayRenderer.files(for: KubesprayInventory(site: site))
    }
}
