import Foundation
import Testing
@testable import IgnitionCompiler

/// The k3s cluster token file: made once with mode 0600, read back unchanged; a file
/// others can read, a link or a malformed one is refused.
@Suite struct K3sTokenTests {
    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func createdOnceThenStable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("k3s-token")
        let first = try K3sToken.loadOrCreate(at: path).get()
        #expect(first.created)
        #expect(first.token.count == 64 && first.token.allSatisfy(\.isHexDigit))
        #expect(try mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.token + "\n")
        let second = try K3sToken.loadOrCreate(at: path).get()
        #expect(!second.created && second.token == first.token)
        // Only the token is left in the directory (no temporary file).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["k3s-token"])
        // Two fresh tokens differ.
        #expect(K3sToken.generate() != K3sToken.generate())
    }

    @Test func unsafeOrMalformedFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("token")
        try dir.write("token", "secret\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(K3sToken.loadOrCreate(at: path).failure?.message
            == "the k3s token file '\(path)' has mode 644; only its owner may read it (chmod 600)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try K3sToken.loadOrCreate(at: path).get().token == "secret")
        try dir.write("token", "two words\n")
        #expect(K3sToken.loadOrCreate(at: path).failure?.message
            == "the k3s token file '\(path)' must hold one line of printable ASCII without spaces")
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: path)
        #expect(K3sToken.loadOrCreate(at: dir.file("link")).failure?.message
            == "the k3s token file '\(dir.file("link"))' is a symbolic link; name the file itself")
        #expect(K3sToken.loadOrCreate(at: dir.file("missing/token")).failure?.message
            == "cannot use the k3s token file '\(dir.file("missing/token"))': no such file or directory")
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
