import IgnitionCompiler

struct LibvirtTarget: Backend {
    var target: BuildTarget { .libvirt }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] { [] }
}
