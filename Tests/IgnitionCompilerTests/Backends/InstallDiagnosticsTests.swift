import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// `serve.images` in site.yaml, and the install target's own warning.
@Suite struct InstallDiagnosticsTests {
    private static func withServe(_ lines: String) -> String {
        minimalSite + "serve:\n  base_url: http://boot.demo.example:8080\n" + lines
    }

    @Test func validImages() throws {
        let site = try compile(Self.withServe("""
          images:
            fcos: {kernel: "https://mirror.example/k", initramfs: a/initramfs.img, rootfs: "rootfs.img?v=1"}
            flatcar: {kernel: HTTP://mirror.example/flatcar/vmlinuz}

        """))
        #expect(site.serve?.images.fcos.kernel?.value == "https://mirror.example/k")
        #expect(site.serve?.images.fcos.initramfs?.value == "a/initramfs.img")
        #expect(site.serve?.images.fcos.rootfs?.value == "rootfs.img?v=1")
        #expect(site.serve?.images.flatcar.kernel?.value == "HTTP://mirror.example/flatcar/vmlinuz")
        #expect(site.serve?.images.flatcar.initramfs == nil)
    }

    @Test func badImageURLs() {
        #expect(diagnose(Self.withServe("""
          images:
            fcos: {kernel: "ftp://mirror.example/k", initramfs: /assets/i.img, rootfs: "https:///r"}
            flatcar: {kernel: "a b", initramfs: "x/${mac}.gz"}

        """)) == [
            "site.yaml:22:20: error: 'kernel' must be an http:// or https:// URL, or a path relative to 'base_url' (no leading '/'), found 'ftp://mirror.example/k'",
            "site.yaml:22:57: error: 'initramfs' must be an http:// or https:// URL, or a path relative to 'base_url' (no leading '/'), found '/assets/i.img'",
            "site.yaml:22:80: error: 'rootfs' must be an http:// or https:// URL with a host, found 'https:///r'",
            "site.yaml:23:23: error: 'kernel' may not contain ' ' (not a URL character), found 'a b'",
            "site.yaml:23:41: error: 'initramfs' may not contain '{' (not a URL character), found 'x/${mac}.gz'",
        ])
    }

    @Test func unknownKeys() {
        #expect(diagnose(Self.withServe("""
          images:
            fcos: {kernel: k, initrd: i}
            flatcar: {kernel: k, rootfs: r}
            windows: {kernel: k}
          imgs: {}

        """)) == [
            "site.yaml:22:23: error: unknown key 'initrd' in 'serve.images.fcos'",
            "site.yaml:23:26: error: unknown key 'rootfs' in 'serve.images.flatcar'",
            "site.yaml:24:5: error: unknown key 'windows' in 'serve.images'",
            "site.yaml:25:3: error: unknown key 'imgs' in 'serve'",
        ])
    }

    @Test func baseURLCharacters() {
        #expect(diagnose(minimalSite + "serve:\n  base_url: \"http://boot/{x}\"\n") == [
            "site.yaml:20:13: error: 'base_url' may not contain '{' (not a URL character), found 'http://boot/{x}'",
        ])
    }

    private func checkLines(_ yaml: String, explicit: Bool) throws -> [String] {
        let loaded = load(yaml, backends: InventoryGen.allBackends)
        let site = try #require(loaded.compilable)
        let diagnostics = Compiler.check(site, targets: [.ignition, .install], explicit: explicit, backends: InventoryGen.allBackends)
        let renderer = DiagnosticRenderer(sources: loaded.sources)
        return diagnostics.sorted.flatMap { diagnostic in
            renderer.render(diagnostic).split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        }
    }

    /// Asked for by name, the target warns that without base_url it writes hosts.json only.
    @Test func withoutBaseURLWarnsOnlyWhenAskedFor() throws {
        let warning = "warning: site has no 'serve.base_url': out/install has only hosts.json; install scripts and iPXE scripts need it"
        #expect(try checkLines(minimalSite, explicit: false) == [])
        #expect(try checkLines(minimalSite, explicit: true) == ["site.yaml:2:7: " + warning])
        #expect(try checkLines(minimalSite + "serve: {images: {fcos: {kernel: k}}}\n", explicit: true) == ["site.yaml:19:8: " + warning])
        #expect(try checkLines(Self.withServe(""), explicit: true) == [])
    }
}
