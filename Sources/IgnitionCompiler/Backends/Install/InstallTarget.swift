/// `out/install/`: see `BuildTarget.install`. hosts.json always; with `serve.base_url`, each
/// host's install script and iPXE script, and README.txt.
struct InstallTarget: DerivedBackend {
    var target: BuildTarget { .install }
    var requires: [BuildTarget] { [.ignition] }

    /// Asked for by name without `serve.base_url`, the target writes hosts.json only: say so.
    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        guard explicit, site.serve?.baseURL == nil else { return }
        diagnostics.warning("site has no 'serve.base_url': out/install has only hosts.json; install scripts and iPXE scripts need it",
                            at: site.serve?.location ?? site.name.location)
    }

    func files(for site: Site, options: BuildOptions, from built: [OutputFile]) -> [OutputFile] {
        let plan = InstallPlan(site: site, built: built)
        var files = [OutputFile("install/hosts.json", text: HostIndex.render(plan))]
        guard plan.baseURL != nil else { return files }
        // The README, and the hosts' scripts in chunks, at the same time.
        let parts = Parallel.map([-1, 0]) { part -> [OutputFile] in
            guard part == 0 else { return [OutputFile("install/README.txt", text: InstallReadme.render(plan))] }
            return Parallel.chunkedMap(plan.hosts) { host -> [OutputFile] in
                guard let served = host.served else { return [] }
                return [OutputFile(host.scriptPath, text: InstallScript.render(site: plan.site, host: host, served: served), mode: 0o755),
                        OutputFile(host.ipxePath, text: IPXEScript.render(site: plan.site, host: host, served: served))]
            }.flatMap { $0 }
        }
        files += parts[1] + parts[0]
        return files
    }
}
