import IgnitionCompiler

struct BindTarget: Backend {
    var target: BuildTarget { .bindZone }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] { [] }
}
