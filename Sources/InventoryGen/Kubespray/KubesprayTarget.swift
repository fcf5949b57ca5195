import IgnitionCompiler

/// `out/kubespray/`: an inventory for current Kubespray (underscore group names), with the
/// group and host variables site.yaml determines.
struct KubesprayTarget: Backend {
    var target: BuildTarget { .kubespray }

    /// What Kubespray's `validate_inventory` would stop on, found before the playbook runs.
    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        var rules = KubesprayRules(site: site)
        rules.run()
        diagnostics.append(contentsOf: rules.diagnostics.all)
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        KubesprayRenderer.files(for: KubesprayInventory(site: site))
    }
}
