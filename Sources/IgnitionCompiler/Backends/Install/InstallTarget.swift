/// `out/install/`: see `BuildTarget.install`.
struct InstallTarget: DerivedBackend {
    var target: BuildTarget { .install }
    var requires: [BuildTarget] { [.ignition] }

    func files(for site: Site, options: BuildOptions, from built: [OutputFile]) -> [OutputFile] { [] }
}
