import Foundation
import Testing
@testable import IgnitionCompiler
import InventoryGen

/// The libvirt XML, checked by libvirt's own tools (Debian's libvirt-clients, with xmllint from
/// libxml2-utils for virt-xml-validate): the schemas accept it, and virsh defines it with the
/// test driver (a fresh in-memory libvirt per virsh process, no daemon, no root).
@Suite struct LibvirtConsumerTests {
    static func tool(_ name: String, package: String) throws -> String {
        try #require(which(name), "'\(name)' is missing: install the Debian package '\(package)'")
    }

    /// Every sample, and the XML tests' site (isolated networks, Flatcar, an odd image path).
    static func sites() throws -> [(name: String, site: Site)] {
        var sites = try TestPaths.compilableSamples()
        sites.append(("demo", try compile(LibvirtXMLTests.site)))
        return sites
    }

    /// Each site's tree on disk, and its XML files (networks first), by absolute path.
    static func written(in dir: TemporaryDirectory) throws -> [(site: String, path: String)] {
        var paths: [(String, String)] = []
        for (name, site) in try sites() {
            let files = buildAll(site, targets: [.libvirt])
            try OutputDirectory.write(files, to: dir.file(name))
            for file in files where file.relativePath.hasSuffix(".xml") {
                paths.append((name, dir.file("\(name)/\(file.relativePath)")))
            }
        }
        return paths
    }

    @Test func virtXMLValidateAcceptsEveryFile() throws {
        let validate = try Self.tool("virt-xml-validate", package: "libvirt-clients")
        _ = try Self.tool("xmllint", package: "libxml2-utils")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let files = try Self.written(in: dir)
        for (_, path) in files {
            let result = try runProcess(validate, [path])
            #expect(result.status == 0, "\(path): \(result.stdout)\(result.stderr)")
        }
        // lacave: 1 network, 4 domains; lab: 2 and 3; demo: 3 and 2.
        #expect(files.count == 15)
    }

    @Test func virshDefinesEveryFileWithTheTestDriver() throws {
        let virsh = try Self.tool("virsh", package: "libvirt-clients")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (_, path) in try Self.written(in: dir) {
            let command = path.contains("/libvirt/networks/") ? "net-define" : "define"
            let result = try runProcess(virsh, ["-c", "test:///default", command, path])
            #expect(result.status == 0, "\(path): \(result.stdout)\(result.stderr)")
        }
    }

    /// The checks above can fail: a file with an element removed, or a value libvirt does not
    /// know, is refused.
    @Test func brokenFilesAreRefused() throws {
        let validate = try Self.tool("virt-xml-validate", package: "libvirt-clients")
        _ = try Self.tool("xmllint", package: "libxml2-utils")
        let virsh = try Self.tool("virsh", package: "libvirt-clients")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let site = try compile(LibvirtXMLTests.site)
        let files = Dictionary(uniqueKeysWithValues: buildAll(site, targets: [.libvirt]).map {
            ($0.relativePath, String(decoding: $0.contents, as: UTF8.self))
        })
        let network = try #require(files["libvirt/networks/lan.xml"])
        let domain = try #require(files["libvirt/domains/node1.xml"])

        let badMode = network.replacingOccurrences(of: "<forward mode='nat'/>", with: "<forward mode='bridged'/>")
        #expect(badMode != network)
        try dir.write("bad-mode.xml", badMode)
        #expect(try runProcess(validate, [dir.file("bad-mode.xml")]).status != 0)
        #expect(try runProcess(virsh, ["-c", "test:///default", "net-define", dir.file("bad-mode.xml")]).status != 0)

        // A domain without its <name>.
        let noName = domain.replacingOccurrences(of: "  <name>demo-node1</name>\n", with: "")
        #expect(noName != domain)
        try dir.write("no-name.xml", noName)
        #expect(try runProcess(validate, [dir.file("no-name.xml")]).status != 0)
        #expect(try runProcess(virsh, ["-c", "test:///default", "define", dir.file("no-name.xml")]).status != 0)
    }
}
