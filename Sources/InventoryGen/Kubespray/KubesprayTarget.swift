import IgnitionCompiler

struct KubesprayTarget: Backend {
    var target: BuildTarget { .kubespray }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] { [] }
}
