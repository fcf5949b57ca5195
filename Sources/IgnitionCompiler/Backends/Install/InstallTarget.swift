import Foundation

/// `out/install/`: see `BuildTarget.install`. hosts.json always; with `serve.base_url`, each
/// host's install script and iPXE script, a copy of the iPXE script per MAC (`by-mac/`),
/// README.txt, and `out/boot.ipxe`, which finds a machine's script among those copies.
struct InstallTarget: DerivedBackend {
    var target: BuildTarget { .install }
    var requires: [BuildTarget] { [.ignition] }

    /// `serve.kernel_args` and the hosts' `kernel_args`: see `LiveKernelArguments`.
    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        LiveKernelArguments.validate(site, into: &diagnostics)
    }

    /// Without `serve.base_url` the target writes hosts.json only: every build that writes
    /// install/ says so, naming the tree by its absolute path; `igncc check` (no tree) says so
    /// only when the target is named.
    func check(_ site: Site, explicit: Bool, output: String?, into diagnostics: inout Diagnostics) {
        guard site.serve?.baseURL == nil else { return }
        let location = site.serve?.location ?? site.name.location
        guard let output else {
            if explicit {
                diagnostics.warning("site has no 'serve.base_url': out/install has only hosts.json; install scripts and iPXE scripts need it",
                                    at: location)
            }
            return
        }
        let install = URL(fileURLWithPath: output).standardizedFileURL.appendingPathComponent(BuildTarget.install.directory).path
        diagnostics.warning("site has no 'serve.base_url': '\(install)' gets hosts.json only, and no install scripts, iPXE "
                            + "scripts or README.txt (they need the URL machines fetch their configs from; igncc serve "
                            + "still answers /ignition?mac=); set 'base_url' to where machines reach igncc serve",
                            at: location)
    }

    func files(for site: Site, options: BuildOptions, from built: [OutputFile]) -> [OutputFile] {
        let plan = InstallPlan(site: site, built: built)
        var files = [OutputFile("install/hosts.json", text: HostIndex.render(plan))]
        guard let baseURL = plan.baseURL else { return files }
        // The README, and the hosts' scripts in chunks, at the same time.
        let parts = Parallel.map([-1, 0]) { part -> [OutputFile] in
            guard part == 0 else { return [OutputFile("install/README.txt", text: InstallReadme.render(plan))] }
            return Parallel.chunkedMap(plan.hosts) { host -> [OutputFile] in
                guard let served = host.served else { return [] }
                // by-mac/ holds copies, not links: object stores and igncc serve follow none, and
                // a copy is the whole script in one request.
                let ipxe = IPXEScript.render(site: plan.site, host: host, served: served)
                return [OutputFile(host.scriptPath, text: InstallScript.render(site: plan.site, host: host, served: served), mode: 0o755),
                        OutputFile(host.ipxePath, text: ipxe)]
                    + host.byMACPaths.map { OutputFile($0, text: ipxe) }
            }.flatMap { $0 }
        }
        files += parts[1] + parts[0]
        files.append(OutputFile(InstallPaths.bootScript, text: StaticBootScript.render(site: plan.site, baseURL: baseURL)))
        return files
    }
}
