import Testing
@testable import IgnitionCompiler

/// Ignition's merge, as `config/merge/merge.go` (Ignition v2.26.0) does it.
@Suite struct ConfigMergerTests {
    static func config(_ json: String, version: IgnitionSpecVersion = .v3_4) throws -> ConfigNode {
        var diagnostics = Diagnostics()
        let root = try #require(JSONParser().parse(Array(json.utf8), file: "t.ign", diagnostics: &diagnostics))
        var reader = ConfigReader(dialect: .ignition(version))
        let node = reader.read(root, as: "Config")
        #expect(reader.diagnostics.all.isEmpty && diagnostics.all.isEmpty)
        return node
    }

    static func merged(_ parent: String, _ child: String) throws -> String {
        let result = ConfigMerger.merge(try config(parent), try config(child), version: .v3_4)
        return String(decoding: JanssonWriter.render(ConfigRenderer.json(result, version: .v3_4), style: .compact), as: UTF8.self)
    }

    @Test func keyedEntriesMergeInPlaceAndNewOnesFollow() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a","mode":420},{"path":"/b"}]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/c"},{"path":"/a","overwrite":true}]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"overwrite":true,"path":"/a","mode":420},{"path":"/b"},{"path":"/c"}]}}"# + "\n")
    }

    @Test func filesLinksAndDirectoriesShareOnePathSpace() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a"}]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"storage":{"links":[{"path":"/a","target":"/b"}]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"storage":{"links":[{"path":"/a","target":"/b"}]}}"# + "\n")
    }

    @Test func kernelArgumentsMoveBetweenLists() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"kernelArguments":{"shouldExist":["quiet","x"]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"kernelArguments":{"shouldExist":["y"],"shouldNotExist":["x"]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"kernelArguments":{"shouldExist":["quiet","y"],"shouldNotExist":["x"]}}"# + "\n")
    }

    @Test func appendConcatenatesAndHeadersWithoutValueAreRemoved() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a","append":[{"source":"data:,1"}],"contents":{"source":"https://x/a","httpHeaders":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}}]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a","append":[{"source":"data:,1"}],"contents":{"httpHeaders":[{"name":"A"}]}}]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a","append":[{"source":"data:,1"},{"source":"data:,1"}],"contents":{"httpHeaders":[{"name":"B","value":"2"}],"source":"https://x/a"}}]}}"# + "\n")
    }

    @Test func pointersTakeTheChildsValueEvenFalse() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"name":"a.service","enabled":true,"mask":true}]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"name":"a.service","enabled":false}]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"enabled":false,"mask":true,"name":"a.service"}]}}"# + "\n")
    }

    @Test func sshKeysAreAUnionInFirstOrder() throws {
        let parent = #"{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k1","k2"]}]}}"#
        let child = #"{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k3","k1"]}]}}"#
        #expect(try Self.merged(parent, child) ==
            #"{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["k1","k2","k3"]}]}}"# + "\n")
    }
}
