import Foundation
import Testing
@testable import IgnitionCompiler

/// Where each OS's hosts fetch k3s and the hash they check: given in site.yaml, or the file under
/// the assets directory hashed (as `sha256sum` hashes it), with located errors when neither.
@Suite struct K3sArtifactsTests {
    private func site(serve: String = "serve: {base_url: 'http://192.168.1.10:8080/'}\n", k3s: String = "") throws -> Site {
        let text = minimalSite.replacingOccurrences(of: "[control-plane, etcd, worker]", with: "[control-plane, worker]")
            + "kubernetes:\n  distribution: k3s\n  k3s:\n    version: v1.33.4+k3s1\n" + k3s + serve
        return try compile(text)
    }

    private func resolve(_ os: OperatingSystem, _ site: Site, assets: String? = nil) -> (K3sIgnition.Artifact?, [String]) {
        var diagnostics = Diagnostics()
        let artifact = K3sArtifacts.resolve(os, in: site, assets: assets, diagnostics: &diagnostics)
        let renderer = DiagnosticRenderer(sources: ["site.yaml": ""])
        return (artifact, diagnostics.sorted.map { String(renderer.render($0).split(separator: "\n")[0]) })
    }

    @Test func givenHashAndDefaultURL() throws {
        let hash = String(repeating: "AB", count: 32)
        let (artifact, problems) = resolve(.fcos, try site(k3s: "    binary: {sha256: \(hash)}\n"))
        #expect(problems.isEmpty)
        #expect(artifact == K3sIgnition.Artifact(url: "http://192.168.1.10:8080/assets/k3s/v1.33.4+k3s1/k3s", sha256: hash.lowercased()))
    }

    @Test func hashedFromTheAssetsDirectory() throws {
        let assets = try TemporaryDirectory()
        defer { assets.remove() }
        try FileManager.default.createDirectory(atPath: assets.file("k3s"), withIntermediateDirectories: true)
        try assets.write("k3s/k3s-v1.33.4+k3s1-x86-64.raw", String(repeating: "sysext image\n", count: 100_000))
        try assets.write("k3s/mine.raw", "another image\n")
        let sha256sum = try #require(which("sha256sum"))
        let (artifact, problems) = resolve(.flatcar, try site(), assets: assets.path)
        #expect(problems.isEmpty)
        let sum = try runProcess(sha256sum, [assets.file("k3s/k3s-v1.33.4+k3s1-x86-64.raw")])
        #expect(artifact == K3sIgnition.Artifact(url: "http://192.168.1.10:8080/assets/k3s/k3s-v1.33.4+k3s1-x86-64.raw",
                                                 sha256: String(sum.stdout.prefix(64))))
        // A url of its own below assets/ is the file at that place, not the default one.
        let (mine, none) = resolve(.flatcar, try site(k3s: "    sysext: {url: assets/k3s/mine.raw}\n"), assets: assets.path)
        #expect(none.isEmpty)
        let mineSum = try runProcess(sha256sum, [assets.file("k3s/mine.raw")])
        #expect(mine == K3sIgnition.Artifact(url: "http://192.168.1.10:8080/assets/k3s/mine.raw", sha256: String(mineSum.stdout.prefix(64))))
        // Elsewhere, no file of --assets is what the nodes fetch: its hash is asked for.
        for url in ["mirror/k3s.raw", "'https://extensions.flatcar.org/extensions/k3s-v1.33.4+k3s1-x86-64.raw'"] {
            let (elsewhere, asked) = resolve(.flatcar, try site(k3s: "    sysext: {url: \(url)}\n"), assets: assets.path)
            #expect(elsewhere == nil)
            let path = url.trimmingCharacters(in: ["'"])
            #expect(asked == ["site.yaml:23:19: error: the k3s system extension (Flatcar hosts) is fetched from '\(path)', not from igncc serve's 'assets/', so no file of --assets is it: set its 'sha256' in 'kubernetes.k3s.sysext'"])
        }
    }

    @Test func neitherHashNorAssetsNorBaseURL() throws {
        let (artifact, problems) = resolve(.fcos, try site(serve: ""))
        #expect(artifact == nil)
        #expect(problems == [
            "site.yaml:22:5: error: the k3s binary (Fedora CoreOS hosts) is fetched from 'assets/k3s/v1.33.4+k3s1/k3s' under 'serve.base_url', but the site has none; set 'serve.base_url' or an absolute 'url' in 'kubernetes.k3s.binary'",
            "site.yaml:22:5: error: the k3s binary (Fedora CoreOS hosts) has no 'sha256': set it in 'kubernetes.k3s.binary', or build with --assets DIR holding 'k3s/v1.33.4+k3s1/k3s'",
        ])
        let (_, missing) = resolve(.fcos, try site(), assets: "/nonexistent")
        #expect(missing == [
            "site.yaml:22:5: error: the k3s binary (Fedora CoreOS hosts) has no 'sha256' in 'kubernetes.k3s.binary', and '/nonexistent/k3s/v1.33.4+k3s1/k3s' cannot be hashed: no such file or directory",
        ])
    }
}
